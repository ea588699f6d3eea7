#pragma once
// The single switch between "CUDA built" and "not built" (see cuda_switch.cpp).

#include <memory>

#include "host/backend/batched_spd_solver.hpp"
#include "host/backend/device.hpp"

namespace mmm {

/// The CUDA evaluator, or BackendUnavailable in a build without CUDA.
std::unique_ptr<Evaluator> create_cuda_evaluator(const ModelData& data, int ordinal);

/// The cuSOLVER batched SPD solver on device `ordinal`, or BackendUnavailable in a build
/// without CUDA or when the ordinal is not a visible device.
std::unique_ptr<BatchedSpdSolver> create_cuda_batched_spd_solver(int ordinal);

}  // namespace mmm
