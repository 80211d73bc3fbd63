#pragma once
// Non-learned reference "embeddings" for the evaluation suite's baselines (issue 10: every figure reads against
// something). They are built from the prepared model input (normalised planes, the same values the encoder
// sees) and then go through exactly the same metric functions as a model's embeddings:
//  - global statistics: per set the total |value| of the HMI plane and the total value of the AIA plane, per
//    cell the same means; each statistic is replaced by its rank among all sets (cells: among all cells of all
//    sets) u in [0, 1] and embedded as the unit vector (cos pi*u, sin pi*u), so cosine ranking is exactly
//    rank-distance matching (|B| against DN, the brightest with the most flux).
//  - pooled layout: the CLS is the plane pooled to grid x grid (|HMI|, AIA) minus its own mean; a cell is its
//    own block pooled to sub x sub values minus their mean (its internal layout). Cosine of those.
// Feed addSample() once per set (in the order of the encoded records), then take the channels.

#include "models/embeddings/EvalAlign.h"

#include <vector>

namespace solarchip {

class ReferenceEmbeddings {
public:
    /// `grid`: the model's token grid; `side`: plane side in pixels (a multiple of grid is not required).
    ReferenceEmbeddings(int grid, int side);

    /// One set: the HMI plane and the AIA plane (side x side, row-major).
    void addSample(const float *hmiPlane, const float *aiaPlane);

    int count() const { return m_count; }
    /// Global-statistics embeddings (rank angles), channel 0 = HMI, 1 = AIA.
    ChannelEmbeddings statistics(int channel) const;
    /// Pooled-layout embeddings, channel 0 = HMI, 1 = AIA.
    ChannelEmbeddings pooled(int channel) const;

    /// Ranks in [0, 1] (ties share their mean rank), the mapping statistics() uses; public for tests.
    static std::vector<double> rankFractions(const std::vector<double> &values);

private:
    int m_grid, m_side, m_sub, m_count = 0;
    std::vector<double> m_total[2];  ///< per set
    std::vector<double> m_cell[2];   ///< per set and cell
    std::vector<float> m_pooledCls[2];    ///< per set, grid^2 values
    std::vector<float> m_pooledCells[2];  ///< per set and cell, sub^2 values
};

}  // namespace solarchip
