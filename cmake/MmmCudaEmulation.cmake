# The emulated CUDA backend (MMM_EMULATE_CUDA=ON): kernels/*.cu built with g++ against HIP-CPU
# (a header-only HIP runtime that runs kernels on the host CPU), so that CI without a GPU runs
# the CUDA parity tests on the very kernel sources a GPU build compiles. It is a test-only
# configuration: it adds the library mmm_core_emulated and the test binary
# mmm_emulated_tests (tests/CMakeLists.txt); the program `mmm` never links it, so no user
# sees the emulated device as a GPU.
option(MMM_EMULATE_CUDA "Also build the CUDA backend on HIP-CPU and its parity tests (no GPU)"
       OFF)
set(MMM_HIP_CPU_DIR "${CMAKE_CURRENT_SOURCE_DIR}/../shared/third_party/hip-cpu"
    CACHE PATH "HIP-CPU checkout (its include/hip/hip_runtime.h) for MMM_EMULATE_CUDA")

set(MMM_CUDA_EMULATED OFF)
if(MMM_EMULATE_CUDA)
  if(NOT EXISTS "${MMM_HIP_CPU_DIR}/include/hip/hip_runtime.h")
    message(FATAL_ERROR "MMM_EMULATE_CUDA=ON but HIP-CPU is not at MMM_HIP_CPU_DIR="
                        "${MMM_HIP_CPU_DIR} (no include/hip/hip_runtime.h)")
  endif()
  # HIP-CPU runs blocks with std::execution::par, which libstdc++ implements on TBB.
  find_package(TBB REQUIRED)
  set(MMM_CUDA_EMULATED ON)
endif()
if(MMM_CUDA_EMULATED)
  message(STATUS "CUDA emulation: on (HIP-CPU at ${MMM_HIP_CPU_DIR})")
else()
  message(STATUS "CUDA emulation: off")
endif()

# mmm_core_emulated: the host objects of `host_objects` (an OBJECT library), the CUDA switch
# compiled with the backend in, and kernels/*.cu rewritten to C++. cuBLAS and cuSOLVER, which
# kernels/cuda_math_libraries.cu opens with dlopen, are replaced by host stand-ins
# (emulation/emulated_math_libraries.cpp).
function(mmm_add_emulated_cuda_library host_objects)
  if(NOT MMM_CUDA_EMULATED)
    return()
  endif()
  set(root ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB cuda_sources CONFIGURE_DEPENDS ${root}/kernels/*.cu)
  list(FILTER cuda_sources EXCLUDE REGEX "/cuda_math_libraries\\.cu$")
  set(rewritten)
  foreach(cu ${cuda_sources})
    get_filename_component(stem ${cu} NAME_WE)
    set(cpp ${CMAKE_CURRENT_BINARY_DIR}/emulated/kernels/${stem}.cpp)
    add_custom_command(
      OUTPUT ${cpp}
      COMMAND ${CMAKE_COMMAND} -DINPUT=${cu} -DOUTPUT=${cpp} -P
              ${root}/cmake/RewriteCudaSource.cmake
      DEPENDS ${cu} ${root}/cmake/RewriteCudaSource.cmake
      COMMENT "Rewriting kernels/${stem}.cu for HIP-CPU"
      VERBATIM)
    list(APPEND rewritten ${cpp})
  endforeach()
  add_library(mmm_core_emulated STATIC ${rewritten} ${root}/host/backend/cuda_switch.cpp
                                       ${root}/emulation/emulated_runtime.cpp
                                       ${root}/emulation/emulated_math_libraries.cpp)
  target_link_libraries(mmm_core_emulated PUBLIC ${host_objects} TBB::tbb)
  # HIP-CPU defines __HIPCC__, which would make Eigen compile its GPU half-precision code;
  # Eigen here is host code, as for g++ elsewhere.
  target_compile_definitions(mmm_core_emulated PUBLIC MMM_EMULATED_CUDA=1 EIGEN_NO_HIP
                             PRIVATE MMM_HAVE_CUDA=1)
  # The shims come first so that <cuda_runtime.h> is ours even where a CUDA toolkit is
  # installed; HIP-CPU's headers are not ours to keep warning-free. Public: the emulator's
  # own tests launch kernels through kernels/*.cuh.
  target_include_directories(mmm_core_emulated BEFORE PUBLIC ${root}/emulation/include)
  target_include_directories(mmm_core_emulated SYSTEM PUBLIC ${MMM_HIP_CPU_DIR}/include)
  # No fma contraction behind the sources' back: the kernels say where they fuse (fma()),
  # as nvcc's output does for the __dadd_rn/__dmul_rn the CPU parity relies on.
  target_compile_options(mmm_core_emulated PRIVATE -ffp-contract=off)
  mmm_warnings(mmm_core_emulated)
endfunction()
