#pragma once
// Marks functions that both backends compile: plain inline C++ for g++, __host__ __device__
// for nvcc. This header must stay free of CUDA includes (host/ never includes CUDA headers).

#ifdef __CUDACC__
#define MMM_HD __host__ __device__
// A host-device template that may be instantiated with a device-only argument type (the
// fused kernel's thread-block team in host/model/gram_ridge.hpp): nvcc does not then check
// the host side of that instantiation, which nothing calls.
// Placed before the template's declaration.
#define MMM_HD_ANY_TEAM _Pragma("nv_exec_check_disable")
#else
#define MMM_HD
#define MMM_HD_ANY_TEAM
#endif
