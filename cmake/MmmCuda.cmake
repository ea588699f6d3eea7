# The one place that decides whether the CUDA backend is built (MMM_ENABLE_CUDA=AUTO|ON|OFF).
# host/ code learns the answer only through the MMM_HAVE_CUDA definition consumed by
# host/backend/cuda_switch.cpp.
include(CheckLanguage)

set(MMM_CUDA_BUILT OFF)
if(MMM_ENABLE_CUDA STREQUAL "ON" OR MMM_ENABLE_CUDA STREQUAL "AUTO")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # The kernels are tuned for and tested on H100 (sm_90: SASS, plus compute_90 PTX that newer
    # GPUs JIT). compute_80 PTX is embedded too, so that A100, A10, L4 and other sm_8x GPUs
    # JIT-compile the kernels at first use instead of failing with
    # cudaErrorNoKernelImageForDevice (kernels/cuda_entry.cu does not count a device that
    # has no code, so `--device auto` then takes the CPU). Set CMAKE_CUDA_ARCHITECTURES to
    # build for other GPUs.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 80-virtual 90)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(MMM_CUDA_BUILT ON)
  elseif(MMM_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "MMM_ENABLE_CUDA=ON but no CUDA compiler (nvcc) was found")
  endif()
elseif(NOT MMM_ENABLE_CUDA STREQUAL "OFF")
  message(FATAL_ERROR "MMM_ENABLE_CUDA must be AUTO, ON or OFF (got `${MMM_ENABLE_CUDA}`)")
endif()
message(STATUS "mmm: CUDA backend ${MMM_CUDA_BUILT}")

function(mmm_attach_cuda target)
  file(GLOB_RECURSE cuda_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/kernels/*.cu)
  if(MMM_CUDA_BUILT AND cuda_sources)
    target_sources(${target} PRIVATE ${cuda_sources})
    target_compile_definitions(${target} PRIVATE MMM_HAVE_CUDA=1)
    # cuBLAS/cuSOLVER are dlopen'ed at first use (kernels/cuda_math_libraries.cuh), not linked.
    # The runtime is linked statically: the program then needs only the driver (libcuda, part
    # of any GPU machine's driver install), not a libcudart.so of the build's toolkit version.
    target_link_libraries(${target} PUBLIC CUDA::cudart_static ${CMAKE_DL_LIBS})
    set_target_properties(${target} PROPERTIES CUDA_SEPARABLE_COMPILATION OFF CUDA_STANDARD 17
                                               CUDA_STANDARD_REQUIRED ON)
    # kernels/cuda_entry.cu reads ModelData, so nvcc sees Eigen's headers: Eigen's
    # __host__ __device__ code calls constexpr std::complex members (allowed by
    # --expt-relaxed-constexpr, which Eigen's CUDA docs ask for) and annotates defaulted
    # members (diagnostic 20012, harmless). Neither concerns our kernels.
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr>
      $<$<COMPILE_LANGUAGE:CUDA>:--diag-suppress=20012>)
    # nvcc's own warnings (and the host compiler's defaults) as errors, like -Werror for g++.
    if(MMM_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings>)
    endif()
  endif()
endfunction()
