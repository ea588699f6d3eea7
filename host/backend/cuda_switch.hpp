#pragma once
// The single switch between "CUDA built" and "not built" (see cuda_switch.cpp).

#include <memory>

#include "host/backend/device.hpp"

namespace mmm {

/// The CUDA evaluator, or BackendUnavailable in a build without CUDA.
std::unique_ptr<Evaluator> create_cuda_evaluator(const ModelData& data, int ordinal);

}  // namespace mmm
