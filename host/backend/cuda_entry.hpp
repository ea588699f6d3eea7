#pragma once
// Entry points of the CUDA backend as plain C++ declarations (no CUDA types), implemented in
// kernels/ when CUDA is built. Only host/backend/cuda_switch.cpp may call them.

#include <memory>
#include <string>
#include <vector>

#include "host/backend/batched_spd_solver.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/backend/evaluator.hpp"
#include "host/model/model_data.hpp"

namespace mmm::cuda {

/// "" when cuBLAS and cuSOLVER (opened at first use) load and resolve, else why not.
std::string math_library_problem();
/// Number of visible CUDA devices; 0 (not an error) when there is no GPU or driver.
int visible_device_count(std::string* detail);
/// "NAME (compute X.Y, N MiB)" per visible device.
std::vector<std::string> device_descriptions();
/// The CUDA evaluator on device `ordinal`; the dataset is uploaded once and stays resident.
std::unique_ptr<Evaluator> make_cuda_evaluator(const ModelData& data, int ordinal,
                                               const CudaEvaluatorOptions& options);
/// The batched SPD solver (cuSOLVER potrfBatched + cuBLAS trsmBatched) on device `ordinal`;
/// BackendUnavailable when the ordinal is not a visible device.
std::unique_ptr<BatchedSpdSolver> make_cuda_batched_spd_solver(int ordinal);

}  // namespace mmm::cuda
