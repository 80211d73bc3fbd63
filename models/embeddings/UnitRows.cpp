#include "models/embeddings/UnitRows.h"

#include <cmath>

namespace solarchip {

std::vector<float> unitRows(const float *x, std::size_t rows, int dim)
{
    std::vector<float> out(x, x + rows * static_cast<std::size_t>(dim));
    for (std::size_t r = 0; r < rows; ++r) {
        float *v = out.data() + r * static_cast<std::size_t>(dim);
        double s = 0;
        for (int k = 0; k < dim; ++k)
            s += static_cast<double>(v[k]) * v[k];
        const double n = std::sqrt(s);
        if (n > 0)
            for (int k = 0; k < dim; ++k)
                v[k] = static_cast<float>(v[k] / n);
    }
    return out;
}

double rowDot(const float *a, const float *b, int dim)
{
    double s = 0;
    for (int k = 0; k < dim; ++k)
        s += static_cast<double>(a[k]) * b[k];
    return s;
}

} // namespace solarchip
