#pragma once
// The single switch between "CUDA built" and "not built" (see cuda_switch.cpp).

#include <memory>

#include "host/backend/batched_spd_solver.hpp"
#include "host/backend/cuda_evaluator_options.hpp"
#include "host/backend/device.hpp"

namespace mmm {

/// The CUDA evaluator, or BackendUnavailable in a build without CUDA.
std::unique_ptr<Evaluator> create_cuda_evaluator(const ModelData& data, int ordinal,
                                                 const CudaEvaluatorOptions& options = {});

/// "" when the CUDA math libraries (cuBLAS, cuSOLVER) can be loaded, else why not ("not
/// built" without CUDA). Loading them costs ~250 MB of mappings: only `mmm info` and the CUDA
/// segment solver ask.
std::string cuda_math_library_problem();

/// The cuSOLVER batched SPD solver on device `ordinal`, or BackendUnavailable in a build
/// without CUDA or when the ordinal is not a visible device.
std::unique_ptr<BatchedSpdSolver> create_cuda_batched_spd_solver(int ordinal);

}  // namespace mmm
