#include "models/embeddings/ReferenceEmbeddings.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace solarchip {

ReferenceEmbeddings::ReferenceEmbeddings(int grid, int side)
    : m_grid(std::max(1, grid)), m_side(std::max(1, side)), m_sub(std::clamp(side / std::max(1, grid), 1, 4))
{
}

void ReferenceEmbeddings::addSample(const float *hmiPlane, const float *aiaPlane)
{
    const int g = m_grid, fine = g * m_sub;
    for (int ch = 0; ch < 2; ++ch) {
        const float *plane = ch == 0 ? hmiPlane : aiaPlane;
        auto value = [&](std::size_t i) {
            const double v = plane[i];
            return std::isfinite(v) ? (ch == 0 ? std::abs(v) : v) : 0.0;
        };
        // Pool to fine x fine (area means of the pixels whose index maps there).
        std::vector<double> pooledFine(static_cast<std::size_t>(fine) * fine, 0.0), counts(pooledFine.size(), 0.0);
        double total = 0;
        for (int y = 0; y < m_side; ++y) {
            const int fy = static_cast<int>(static_cast<long long>(y) * fine / m_side);
            for (int x = 0; x < m_side; ++x) {
                const int fx = static_cast<int>(static_cast<long long>(x) * fine / m_side);
                const double v = value(static_cast<std::size_t>(y) * m_side + x);
                pooledFine[static_cast<std::size_t>(fy) * fine + fx] += v;
                counts[static_cast<std::size_t>(fy) * fine + fx] += 1;
                total += v;
            }
        }
        for (std::size_t i = 0; i < pooledFine.size(); ++i)
            pooledFine[i] = counts[i] > 0 ? pooledFine[i] / counts[i] : 0.0;
        m_total[ch].push_back(total);
        std::vector<float> &cellRows = m_pooledCells[ch], &clsRows = m_pooledCls[ch];
        std::vector<double> coarse(static_cast<std::size_t>(g) * g, 0.0);
        for (int r = 0; r < g; ++r)
            for (int c = 0; c < g; ++c) {
                double mean = 0;
                for (int sy = 0; sy < m_sub; ++sy)
                    for (int sx = 0; sx < m_sub; ++sx)
                        mean += pooledFine[static_cast<std::size_t>(r * m_sub + sy) * fine + c * m_sub + sx];
                mean /= m_sub * m_sub;
                coarse[static_cast<std::size_t>(r) * g + c] = mean;
                m_cell[ch].push_back(mean);
                for (int sy = 0; sy < m_sub; ++sy)
                    for (int sx = 0; sx < m_sub; ++sx)
                        cellRows.push_back(static_cast<float>(
                            pooledFine[static_cast<std::size_t>(r * m_sub + sy) * fine + c * m_sub + sx] - mean));
            }
        const double setMean = std::accumulate(coarse.begin(), coarse.end(), 0.0) / static_cast<double>(coarse.size());
        for (double v : coarse)
            clsRows.push_back(static_cast<float>(v - setMean));
    }
    ++m_count;
}

std::vector<double> ReferenceEmbeddings::rankFractions(const std::vector<double> &values)
{
    const std::size_t n = values.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> out(n, 0.0);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && values[order[j + 1]] == values[order[i]])
            ++j;
        const double rank = 0.5 * static_cast<double>(i + j);  // mean 0-based rank of the tie group
        for (std::size_t k = i; k <= j; ++k)
            out[order[k]] = n > 1 ? rank / static_cast<double>(n - 1) : 0.0;
        i = j + 1;
    }
    return out;
}

ChannelEmbeddings ReferenceEmbeddings::pooled(int channel) const
{
    // A CLS row has grid^2 values, a cell row sub^2: both are zero-padded to the longer width (zeros change no
    // cosine), since one ChannelEmbeddings has one width.
    const int clsWidth = m_grid * m_grid, cellWidth = m_sub * m_sub, patches = m_grid * m_grid;
    ChannelEmbeddings e;
    e.count = m_count;
    e.patches = patches;
    e.dim = std::max(clsWidth, cellWidth);
    e.cls.assign(static_cast<std::size_t>(m_count) * e.dim, 0.0f);
    e.patch.assign(static_cast<std::size_t>(m_count) * patches * e.dim, 0.0f);
    for (int s = 0; s < m_count; ++s)
        std::copy_n(m_pooledCls[channel].data() + static_cast<std::size_t>(s) * clsWidth, clsWidth,
                    e.cls.data() + static_cast<std::size_t>(s) * e.dim);
    for (std::size_t r = 0; r < static_cast<std::size_t>(m_count) * patches; ++r)
        std::copy_n(m_pooledCells[channel].data() + r * cellWidth, cellWidth, e.patch.data() + r * e.dim);
    return e;
}

ChannelEmbeddings ReferenceEmbeddings::statistics(int channel) const
{
    ChannelEmbeddings e;
    e.count = m_count;
    e.patches = m_grid * m_grid;
    e.dim = 2;
    for (double u : rankFractions(m_total[channel])) {
        e.cls.push_back(static_cast<float>(std::cos(std::numbers::pi * u)));
        e.cls.push_back(static_cast<float>(std::sin(std::numbers::pi * u)));
    }
    for (double u : rankFractions(m_cell[channel])) {
        e.patch.push_back(static_cast<float>(std::cos(std::numbers::pi * u)));
        e.patch.push_back(static_cast<float>(std::sin(std::numbers::pi * u)));
    }
    return e;
}

}  // namespace solarchip
