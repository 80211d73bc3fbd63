#pragma once
// Renders one synthetic channel at one time step: samples the shared surface through the channel's exact
// geometry, applies the channel's view of the Sun (limb brightening of an optically thin corona, limb
// darkening of the continuum, network, plage, sunspots, coronal holes), adds the active-region corona and
// flares, picks the exposure (AIA's automatic exposure control shortens it for bright flares), adds photon
// and read noise (HMI: magnetogram noise), quantises to what the file stores, and fills the header.

#include "core/synthetic/SyntheticFrameSpec.h"
#include "core/synthetic/SyntheticSun.h"
#include "core/synthetic/SyntheticSurface.h"

namespace solarchip {

class SyntheticRenderer {
public:
    static SyntheticFrame render(const SyntheticFrameSpec &spec, const SyntheticSurface &surface,
                                 const SyntheticHistory &history, double tStep, const SyntheticOptions &options);

    /// Statistics of an image as stored with `scale`/`zero` (stored = round((v - zero) / scale)).
    static SyntheticImageStats stats(const Image &image, double scale, double zero, double saturation);
};

}  // namespace solarchip
