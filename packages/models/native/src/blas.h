/* The CBLAS the addon was built against: Accelerate on macOS, OpenBLAS (or another CBLAS) elsewhere. */
#ifndef BYTELAB_BLAS_H
#define BYTELAB_BLAS_H

#if defined(__APPLE__)
#define ACCELERATE_NEW_LAPACK 1
#include <Accelerate/Accelerate.h>
typedef int blasint;
#define BYTELAB_BLAS_NAME "Accelerate"
#else
#include <cblas.h>
#if defined(OPENBLAS_VERSION) || defined(OPENBLAS_CONST)
#define BYTELAB_OPENBLAS 1
#define BYTELAB_BLAS_NAME "OpenBLAS"
#else
typedef int blasint;
#define BYTELAB_BLAS_NAME "CBLAS"
#endif
#endif

#endif
