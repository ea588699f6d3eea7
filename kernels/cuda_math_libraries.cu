#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "kernels/cuda_math_libraries.cuh"

namespace mmm::cuda {
namespace {

#define MMM_STRINGIFY_EXPANDED(x) MMM_STRINGIFY(x)
#define MMM_STRINGIFY(x) #x

void* open_library(const std::string& base, int major) {
  const std::string versioned = base + ".so." + std::to_string(major);
  void* handle = ::dlopen(versioned.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw std::runtime_error("cannot load " + versioned + " (" + (why ? why : "not found") +
                             "), needed for CUDA segment solves; use --device cpu");
  }
  return handle;
}

template <typename Fn>
void resolve(void* library, const char* library_name, const char* symbol, Fn& out) {
  out = reinterpret_cast<Fn>(::dlsym(library, symbol));
  if (out == nullptr) {
    throw std::runtime_error(std::string(library_name) + " has no symbol `" + symbol +
                             "`; use --device cpu");
  }
}

// The symbol's real name (after cublas_v2.h's macro renaming, e.g. cublasCreate_v2).
#define MMM_RESOLVE(library, name, member, function) \
  resolve(library, name, MMM_STRINGIFY_EXPANDED(function), libs.member)

MathLibraries load() {
  MathLibraries libs;
  // Kept open for the life of the process (handles may outlive any one solver).
  void* blas = open_library("libcublas", CUBLAS_VER_MAJOR);
  void* solver = open_library("libcusolver", CUSOLVER_VER_MAJOR);
  MMM_RESOLVE(blas, "cuBLAS", blas_create, cublasCreate);
  MMM_RESOLVE(blas, "cuBLAS", blas_destroy, cublasDestroy);
  MMM_RESOLVE(blas, "cuBLAS", blas_set_stream, cublasSetStream);
  MMM_RESOLVE(blas, "cuBLAS", blas_set_math_mode, cublasSetMathMode);
  MMM_RESOLVE(blas, "cuBLAS", blas_status_name, cublasGetStatusName);
  MMM_RESOLVE(blas, "cuBLAS", blas_dtrsm_batched, cublasDtrsmBatched);
  MMM_RESOLVE(solver, "cuSOLVER", solver_create, cusolverDnCreate);
  MMM_RESOLVE(solver, "cuSOLVER", solver_destroy, cusolverDnDestroy);
  MMM_RESOLVE(solver, "cuSOLVER", solver_set_stream, cusolverDnSetStream);
  MMM_RESOLVE(solver, "cuSOLVER", solver_dpotrf_batched, cusolverDnDpotrfBatched);
  return libs;
}

}  // namespace

const MathLibraries& math_libraries() {
  static const MathLibraries libs = load();
  return libs;
}

}  // namespace mmm::cuda
