#pragma once
// Marks functions that both backends compile: plain inline C++ for g++, __host__ __device__
// for nvcc. This header must stay free of CUDA includes (host/ never includes CUDA headers).

#ifdef __CUDACC__
#define MMM_HD __host__ __device__
#else
#define MMM_HD
#endif
