# cmake -DINPUT=x.cu -DOUTPUT=x.cpp -P RewriteCudaSource.cmake
# Turns one CUDA source into C++ that g++ compiles against HIP-CPU (the emulated build,
# -DMMM_EMULATE_CUDA=ON). g++ cannot parse the two CUDA-only constructs kernels/ uses, and
# hipify-perl rewrites neither, so this does, textually:
#   kernel<<<config>>>(args)            ->  MMM_HIP_LAUNCH(kernel, (config), args)
#   extern __shared__ T name[];         ->  HIP_DYNAMIC_SHARED(T, name)
# (both macros: emulation/include/cuda_runtime.h). A #line directive keeps compiler messages
# pointing at the .cu file. CMake rather than a script language: the build needs nothing else.
cmake_minimum_required(VERSION 3.18)
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DINPUT=file.cu -DOUTPUT=file.cpp -P RewriteCudaSource.cmake")
endif()
file(READ "${INPUT}" source)

set(rewritten "")
while(TRUE)
  string(FIND "${source}" "<<<" open)
  if(open EQUAL -1)
    break()
  endif()
  string(SUBSTRING "${source}" 0 ${open} head)
  math(EXPR after_open "${open} + 3")
  string(SUBSTRING "${source}" ${after_open} -1 rest)
  string(FIND "${rest}" ">>>(" close)
  if(close EQUAL -1)
    message(FATAL_ERROR "${INPUT}: `<<<` without a matching `>>>(`")
  endif()
  string(SUBSTRING "${rest}" 0 ${close} config)
  math(EXPR after_close "${close} + 4")
  string(SUBSTRING "${rest}" ${after_close} -1 source)
  string(REGEX MATCH "[A-Za-z_][A-Za-z0-9_]*$" kernel "${head}")
  if(NOT kernel)
    message(FATAL_ERROR "${INPUT}: a launch `<<<${config}>>>` whose kernel is not a plain name")
  endif()
  string(LENGTH "${head}" head_length)
  string(LENGTH "${kernel}" kernel_length)
  math(EXPR keep "${head_length} - ${kernel_length}")
  string(SUBSTRING "${head}" 0 ${keep} head)
  string(APPEND rewritten "${head}MMM_HIP_LAUNCH(${kernel}, (${config}), ")
endwhile()
string(APPEND rewritten "${source}")

string(REGEX REPLACE
  "extern[ \t]+__shared__[ \t]+([A-Za-z_][A-Za-z0-9_:]*)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\\[\\][ \t]*;"
  "HIP_DYNAMIC_SHARED(\\1, \\2)" rewritten "${rewritten}")

set(content "// Generated from ${INPUT} by cmake/RewriteCudaSource.cmake; edit the .cu file.\n")
string(APPEND content "#include <cuda_runtime.h>\n#line 1 \"${INPUT}\"\n${rewritten}")
# Only a changed result touches the file, so an unchanged .cu recompiles nothing.
set(previous "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
endif()
if(NOT previous STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
