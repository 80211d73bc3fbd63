#pragma once
// The solar surface of one time step, rendered once and shared by every channel: radial magnetic field
// (network, polar field, active regions), the supergranular network lanes, the coronal-hole mask and a slow
// large-scale brightness modulation. It lives on a reference image of the disk (north up, Sun centred, at the
// finest plate scale of the run); each channel samples it through its own exact geometry (pixel -> sphere ->
// Carrington -> reference pixel), so a feature sits where the channel's WCS says whatever its CROTA2, CRPIX
// or plate scale. Off the disk a sample returns the values at the limb point below the line of sight (used
// to modulate the off-limb corona).
//
// The network is a cellular (Worley) pattern on the sphere at the supergranule scale (~25 Mm): lanes where
// the distances to the two nearest cell centres are equal, cell centres drifting to new positions over
// ~1.5 days. Network polarity is mixed, biased toward the open-field sign inside coronal holes.

#include "core/synthetic/SyntheticFrameGeometry.h"
#include "core/synthetic/SyntheticHistory.h"

#include <QThreadPool>

#include <vector>

namespace solarchip {

class SyntheticSurface {
public:
    struct Cell {
        float br;    // radial field, Gauss
        float lane;  // network lane strength 0..1
        float hole;  // coronal-hole mask 0..1
        float qs;    // large-scale quiet-Sun modulation (about 1)
    };

    /// Builds the layers at `t` (days since J2000) on the reference frame `ref`.
    static SyntheticSurface build(const SyntheticHistory &history, const SyntheticFrameGeometry &ref, double t,
                                  quint64 seed, QThreadPool *pool);

    const SyntheticFrameGeometry &frame() const { return m_ref; }
    int size() const { return m_n; }
    /// Bilinear sample at reference pixel (x, y), clamped to the grid.
    Cell sample(double x, double y) const
    {
        const double mx = m_n - 1.001;
        x = x < 0 ? 0 : (x > mx ? mx : x);
        y = y < 0 ? 0 : (y > mx ? mx : y);
        const int ix = static_cast<int>(x), iy = static_cast<int>(y);
        const float fx = static_cast<float>(x - ix), fy = static_cast<float>(y - iy);
        const Cell *a = &m_cells[static_cast<size_t>(iy) * m_n + ix];
        const Cell *b = a + m_n;
        const float w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
        return Cell{w00 * a[0].br + w10 * a[1].br + w01 * b[0].br + w11 * b[1].br,
                    w00 * a[0].lane + w10 * a[1].lane + w01 * b[0].lane + w11 * b[1].lane,
                    w00 * a[0].hole + w10 * a[1].hole + w01 * b[0].hole + w11 * b[1].hole,
                    w00 * a[0].qs + w10 * a[1].qs + w01 * b[0].qs + w11 * b[1].qs};
    }
    const std::vector<Cell> &cells() const { return m_cells; }

    /// Means of the lane layer and of its square root over the quiet Sun (to centre network contrast;
    /// measured over mu > 0.3 outside holes).
    static constexpr float kMeanLane = 0.33f;
    static constexpr float kMeanSqrtLane = 0.48f;

private:
    SyntheticFrameGeometry m_ref;
    int m_n = 0;
    std::vector<Cell> m_cells;
};

}  // namespace solarchip
