#pragma once
// The optically thin, three-dimensional part of the synthetic Sun, rendered per channel: active-region
// corona (a diffuse halo and loops of several temperatures, each loop a semicircle between the two
// polarities that brightens and fades over hours), and flares (a hot arcade over the polarity inversion line
// that cools through the channels after the peak, and two impulsive ribbons). Everything is a chain of 3D
// Gaussian blobs projected with the channel's geometry: a blob behind the disk is hidden, one above the limb
// shows. Brightness follows each channel's temperature response (SyntheticChannel::response).
//
// Also here: the line-of-sight integrals behind limb brightening of a hydrostatic layer, tabulated in the
// impact parameter rho (solar radii): I(rho) / I(0) for emissivity exp(-(r - 1)/H).

#include "core/base/Image.h"
#include "core/synthetic/SyntheticChannel.h"
#include "core/synthetic/SyntheticFrameGeometry.h"
#include "core/synthetic/SyntheticHistory.h"

#include <vector>

namespace solarchip {

class SyntheticCorona {
public:
    /// Adds the active-region corona and flares of `channel` at time t (days) to `rate` (DN/s per pixel).
    static void render(const SyntheticHistory &history, const SyntheticChannel &channel,
                       const SyntheticFrameGeometry &geometry, double t, quint64 seed, Image &rate);

    /// The limb-brightening table of a layer of scale height hMm: entry i is I(rho = i * kLimbStep) / I(0).
    static const std::vector<float> &limbTable(double hMm);
    static constexpr double kLimbStep = 0.0005;
    static constexpr double kLimbMax = 3.0;
    static float limbLookup(const std::vector<float> &table, double rho)
    {
        const double x = rho / kLimbStep;
        const int i = static_cast<int>(x);
        if (i >= static_cast<int>(table.size()) - 1)
            return table.back();
        const float f = static_cast<float>(x - i);
        return table[i] + f * (table[i + 1] - table[i]);
    }
};

}  // namespace solarchip
