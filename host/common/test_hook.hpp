#pragma once
// Named points in the program where a test can stop or kill it, so fault tests hit the exact
// moment they mean (a signal while the output files are written, a crash between two renames
// of a commit) instead of guessing with sleeps. Off unless MMM_TEST_HOOK is set; a user never
// sets it, and an unset hook costs one getenv per point passed.
//
//   MMM_TEST_HOOK=POINT[#N]:ACTION   at the Nth time (default 1st) the program passes POINT:
//     kill   raise SIGKILL (a crash or power loss there)
//     pause  create the file named by MMM_TEST_HOOK_READY, then sleep until a signal ends the
//            process (at most 60 s, then carry on), so the test can deliver one

namespace mmm {

/// Passes the named point: does what MMM_TEST_HOOK asks for this point, else nothing. Call
/// from the main thread only.
void test_hook(const char* point);

}  // namespace mmm
