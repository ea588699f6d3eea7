// The only place in host/ that knows whether the CUDA backend was compiled in (MMM_HAVE_CUDA
// is set by cmake/MmmCuda.cmake). Everything else asks cuda_status() or gets
// BackendUnavailable from create_cuda_evaluator() and create_cuda_batched_spd_solver().

#include "host/backend/cuda_switch.hpp"

#include "host/common/errors.hpp"

#if MMM_HAVE_CUDA
#include "host/backend/cuda_entry.hpp"
#endif

namespace mmm {

CudaStatus cuda_status() {
  CudaStatus s;
#if MMM_HAVE_CUDA
  s.built = true;
#if MMM_EMULATED_CUDA
  s.emulated = true;
#endif
  s.device_count = cuda::visible_device_count(&s.detail);
  if (s.device_count > 0) s.devices = cuda::device_descriptions();
#else
  s.detail = "built without CUDA (MMM_ENABLE_CUDA=OFF or no nvcc at build time)";
#endif
  return s;
}

std::unique_ptr<Evaluator> create_cuda_evaluator(const ModelData& data, int ordinal,
                                                 const CudaEvaluatorOptions& options) {
#if MMM_HAVE_CUDA
  return cuda::make_cuda_evaluator(data, ordinal, options);
#else
  (void)data;
  (void)ordinal;
  (void)options;
  throw BackendUnavailable("this build has no CUDA backend; use --device cpu");
#endif
}

std::string cuda_math_library_problem() {
#if MMM_HAVE_CUDA
  return cuda::math_library_problem();
#else
  return "not built";
#endif
}

std::unique_ptr<BatchedSpdSolver> create_cuda_batched_spd_solver(int ordinal) {
#if MMM_HAVE_CUDA
  return cuda::make_cuda_batched_spd_solver(ordinal);
#else
  (void)ordinal;
  throw BackendUnavailable("this build has no CUDA backend; use --device cpu");
#endif
}

}  // namespace mmm
