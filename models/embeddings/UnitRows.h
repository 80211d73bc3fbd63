#pragma once
// Row-vector helpers shared by the embedding evaluations (EvalAlign, EvalSuite): rows scaled to unit length, so
// that a dot product of two of them is their cosine similarity.

#include <cstddef>
#include <vector>

namespace solarchip {

/// A copy of `rows` rows of length `dim` (row-major at `x`), each scaled to unit length. A zero row stays zero:
/// it ties with everything, which the evaluations' pessimistic rank then counts against it.
std::vector<float> unitRows(const float *x, std::size_t rows, int dim);

/// Dot product of two rows of length `dim`, accumulated in double.
double rowDot(const float *a, const float *b, int dim);

} // namespace solarchip
