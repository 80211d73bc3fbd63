#pragma once
// A float32 image in FITS order: row 0 is FITS row 1 (the bottom row when displayed north-up), x runs
// along NAXIS1. Pixel (x, y) here is FITS pixel (x + 1, y + 1). NaN marks missing data (BLANK, off-disk HMI).

#include <cstddef>
#include <vector>

namespace solarchip {

struct Image {
    int width = 0;
    int height = 0;
    std::vector<float> pixels;  // width * height, row-major

    Image() = default;
    Image(int w, int h, float fill = 0.0f)
        : width(w), height(h), pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), fill) {}

    bool isEmpty() const { return width <= 0 || height <= 0; }
    std::size_t size() const { return pixels.size(); }
    float *data() { return pixels.data(); }
    const float *data() const { return pixels.data(); }
    float *row(int y) { return pixels.data() + static_cast<std::size_t>(y) * width; }
    const float *row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * width; }
    float &at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
    float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

/// Statistics over the finite pixels of an image.
struct ImageStats {
    double min = 0, max = 0, mean = 0, std = 0;
    long long finiteCount = 0;
    long long nanCount = 0;  // NaN and +-inf
};

ImageStats computeStats(const Image &image);

}  // namespace solarchip
