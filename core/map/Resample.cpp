#include "core/map/Resample.h"

#include "core/map/ResampleKernel.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDeg = M_PI / 180.0;
// Largest deviation (input pixels) from WCSLIB that a fitted model may have before we fall back to exact
// per-pixel mapping.
constexpr double kModelTolerancePx = 1e-3;
// Observers are "the same" when a point on the disk moves by less than this many output pixels between them.
constexpr double kObserverTolerancePx = 0.01;
constexpr int kStripRows = 32;

bool isTan(const MapMeta &m)
{
    return m.isHelioprojective() && m.ctype1.endsWith(QLatin1String("-TAN")) && m.ctype2.endsWith(QLatin1String("-TAN"));
}

// Largest displacement (arcsec) of points on the solar disk seen from `dst`'s observer when the same
// solar-surface points are seen from `src`'s observer instead. Zero for identical observers.
double observerShiftArcsec(const PixelFrame &src, const PixelFrame &dst)
{
    const Observer &a = dst.wcs.observer();
    const Observer &b = src.wcs.observer();
    if (a.dsun == b.dsun && a.hgln == b.hgln && a.hglt == b.hglt && a.rsun == b.rsun)
        return 0.0;
    const double rsun = dst.meta.rsunObs > 0 ? dst.meta.rsunObs : 960.0;
    double worst = 0;
    for (double r : {0.0, 0.5, 0.8, 0.95, 0.995}) {
        for (int k = 0; k < 16; ++k) {
            const double phi = k * (2 * M_PI / 16);
            const double tx = r * rsun * std::cos(phi), ty = r * rsun * std::sin(phi);
            LonLat hgs;
            if (!Wcs::helioprojectiveToStonyhurst(tx, ty, a, hgs))
                continue;
            double tx2 = 0, ty2 = 0;
            bool visible = false;
            if (!Wcs::stonyhurstToHelioprojective(hgs, b, tx2, ty2, &visible) || !visible)
                return std::numeric_limits<double>::infinity();
            worst = std::max(worst, std::hypot(tx2 - tx, ty2 - ty));
        }
    }
    return worst;
}

// Exact destination pixel -> source pixel mapping through world coordinates (WCSLIB), optionally through
// the solar sphere when the observers differ. Not thread-safe (each thread builds its own copy).
class ExactMapper {
public:
    ExactMapper(const PixelFrame &src, const PixelFrame &dst, bool throughSphere, OffDisk offDisk)
        : m_src(src.wcs), m_dst(dst.wcs), m_throughSphere(throughSphere), m_offDisk(offDisk) {}

    // xy: n destination (x, y) pairs (0-based); out: n source pairs, NaN where undefined.
    void map(const double *xy, double *out, int n)
    {
        m_world.resize(2 * static_cast<std::size_t>(n));
        double *w = m_world.data();
        if (m_dst.kind() == Wcs::Kind::Helioprojective) {
            m_dst.pixelToWorld(xy, w, n);
        } else {
            for (int i = 0; i < n; ++i)
                m_dst.pixelToHelioprojective(xy[2 * i], xy[2 * i + 1], w[2 * i], w[2 * i + 1]);
        }
        if (m_throughSphere) {
            for (int i = 0; i < n; ++i) {
                LonLat hgs;
                bool visible = false;
                if (!std::isfinite(w[2 * i]))
                    continue;
                if (!Wcs::helioprojectiveToStonyhurst(w[2 * i], w[2 * i + 1], m_dst.observer(), hgs)) {
                    // Off the disk: no place on the sphere; on the screen if asked.
                    if (m_offDisk != OffDisk::SphericalScreen
                        || !Wcs::helioprojectiveViaScreen(w[2 * i], w[2 * i + 1], m_dst.observer(), m_src.observer(),
                                                          w[2 * i], w[2 * i + 1]))
                        w[2 * i] = w[2 * i + 1] = kNaN;
                } else if (!Wcs::stonyhurstToHelioprojective(hgs, m_src.observer(), w[2 * i], w[2 * i + 1], &visible)
                           || !visible) {
                    w[2 * i] = w[2 * i + 1] = kNaN;
                }
            }
        }
        if (m_src.kind() == Wcs::Kind::Helioprojective) {
            m_src.worldToPixel(w, out, n);
        } else {
            for (int i = 0; i < n; ++i) {
                if (!std::isfinite(w[2 * i]))
                    out[2 * i] = out[2 * i + 1] = kNaN;
                else
                    m_src.helioprojectiveToPixel(w[2 * i], w[2 * i + 1], out[2 * i], out[2 * i + 1]);
            }
        }
        // WCSLIB may return a finite x with an undefined y (or the reverse): treat both as undefined.
        for (int i = 0; i < n; ++i)
            if (!std::isfinite(out[2 * i]) || !std::isfinite(out[2 * i + 1]))
                out[2 * i] = out[2 * i + 1] = kNaN;
    }

private:
    Wcs m_src, m_dst;
    bool m_throughSphere;
    OffDisk m_offDisk;
    std::vector<double> m_world;
};

// n x n grid of destination pixel centres spanning the frame (corners included).
std::vector<double> gridPoints(const PixelFrame &dst, int n)
{
    std::vector<double> xy;
    xy.reserve(2 * static_cast<std::size_t>(n) * n);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            xy.push_back((dst.width - 1) * double(i) / (n - 1));
            xy.push_back((dst.height - 1) * double(j) / (n - 1));
        }
    return xy;
}

// 3x3 homography (row-major, h[8] = 1) from dst to src, least squares on normalised points (Hartley).
bool fitHomography(const std::vector<double> &dstXY, const std::vector<double> &srcXY, double h[9])
{
    const int n = static_cast<int>(dstXY.size() / 2);
    auto normaliser = [n](const std::vector<double> &p, double &cx, double &cy, double &s) {
        cx = cy = 0;
        for (int i = 0; i < n; ++i) {
            cx += p[2 * i];
            cy += p[2 * i + 1];
        }
        cx /= n;
        cy /= n;
        double d = 0;
        for (int i = 0; i < n; ++i)
            d += std::hypot(p[2 * i] - cx, p[2 * i + 1] - cy);
        d /= n;
        s = d > 0 ? std::sqrt(2.0) / d : 1.0;
    };
    double ax, ay, as, bx, by, bs;
    normaliser(dstXY, ax, ay, as);
    normaliser(srcXY, bx, by, bs);
    cv::Mat A(2 * n, 8, CV_64F), b(2 * n, 1, CV_64F);
    for (int i = 0; i < n; ++i) {
        const double x = (dstXY[2 * i] - ax) * as, y = (dstXY[2 * i + 1] - ay) * as;
        const double u = (srcXY[2 * i] - bx) * bs, v = (srcXY[2 * i + 1] - by) * bs;
        double *r0 = A.ptr<double>(2 * i), *r1 = A.ptr<double>(2 * i + 1);
        const double e0[8] = {x, y, 1, 0, 0, 0, -x * u, -y * u};
        const double e1[8] = {0, 0, 0, x, y, 1, -x * v, -y * v};
        std::copy(e0, e0 + 8, r0);
        std::copy(e1, e1 + 8, r1);
        b.at<double>(2 * i) = u;
        b.at<double>(2 * i + 1) = v;
    }
    cv::Mat sol;
    if (!cv::solve(A, b, sol, cv::DECOMP_SVD))
        return false;
    // H = Tb^-1 * Hn * Ta
    const cv::Matx33d hn(sol.at<double>(0), sol.at<double>(1), sol.at<double>(2), sol.at<double>(3),
                         sol.at<double>(4), sol.at<double>(5), sol.at<double>(6), sol.at<double>(7), 1.0);
    const cv::Matx33d ta(as, 0, -as * ax, 0, as, -as * ay, 0, 0, 1);
    const cv::Matx33d tbInv(1 / bs, 0, bx, 0, 1 / bs, by, 0, 0, 1);
    cv::Matx33d H = tbInv * hn * ta;
    if (H(2, 2) == 0)
        return false;
    H *= 1.0 / H(2, 2);
    for (int i = 0; i < 9; ++i)
        h[i] = H.val[i];
    return true;
}

// Affine least squares dst -> src (2x3, row-major).
bool fitAffine(const std::vector<double> &dstXY, const std::vector<double> &srcXY, double a[6])
{
    const int n = static_cast<int>(dstXY.size() / 2);
    cv::Mat A(n, 3, CV_64F), bu(n, 1, CV_64F), bv(n, 1, CV_64F);
    // Centre the coordinates for conditioning.
    double cx = 0, cy = 0;
    for (int i = 0; i < n; ++i) {
        cx += dstXY[2 * i];
        cy += dstXY[2 * i + 1];
    }
    cx /= n;
    cy /= n;
    for (int i = 0; i < n; ++i) {
        A.at<double>(i, 0) = dstXY[2 * i] - cx;
        A.at<double>(i, 1) = dstXY[2 * i + 1] - cy;
        A.at<double>(i, 2) = 1.0;
        bu.at<double>(i) = srcXY[2 * i];
        bv.at<double>(i) = srcXY[2 * i + 1];
    }
    cv::Mat su, sv;
    if (!cv::solve(A, bu, su, cv::DECOMP_SVD) || !cv::solve(A, bv, sv, cv::DECOMP_SVD))
        return false;
    a[0] = su.at<double>(0);
    a[1] = su.at<double>(1);
    a[2] = su.at<double>(2) - a[0] * cx - a[1] * cy;
    a[3] = sv.at<double>(0);
    a[4] = sv.at<double>(1);
    a[5] = sv.at<double>(2) - a[3] * cx - a[4] * cy;
    return true;
}

double maxErrorHomography(const double h[9], const std::vector<double> &dstXY, const std::vector<double> &srcXY)
{
    double worst = 0;
    for (std::size_t i = 0; i < dstXY.size() / 2; ++i) {
        const double x = dstXY[2 * i], y = dstXY[2 * i + 1];
        const double w = h[6] * x + h[7] * y + h[8];
        const double u = (h[0] * x + h[1] * y + h[2]) / w, v = (h[3] * x + h[4] * y + h[5]) / w;
        worst = std::max(worst, std::hypot(u - srcXY[2 * i], v - srcXY[2 * i + 1]));
    }
    return worst;
}

double maxErrorAffine(const double a[6], const std::vector<double> &dstXY, const std::vector<double> &srcXY)
{
    const double h[9] = {a[0], a[1], a[2], a[3], a[4], a[5], 0, 0, 1};
    return maxErrorHomography(h, dstXY, srcXY);
}

bool allFinite(const std::vector<double> &v)
{
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

Expected<Image> Resample::toFrame(const Image &src, const PixelFrame &srcFrame, const PixelFrame &dst,
                                  Interpolation interpolation, ResampleInfo *infoOut, OffDisk offDisk)
{
    if (src.isEmpty())
        return Error{srcFrame.meta.file, QStringLiteral("nothing to resample: the image is empty")};
    if (src.width != srcFrame.width || src.height != srcFrame.height)
        return Error{srcFrame.meta.file, QStringLiteral("image is %1x%2 but its frame is %3x%4")
                                             .arg(src.width).arg(src.height).arg(srcFrame.width).arg(srcFrame.height)};
    if (dst.width <= 0 || dst.height <= 0)
        return Error{srcFrame.meta.file, QStringLiteral("invalid output size %1x%2").arg(dst.width).arg(dst.height)};
    constexpr int kMaxSide = 65536;
    if (src.width > kMaxSide || src.height > kMaxSide || dst.width > kMaxSide || dst.height > kMaxSide)
        return Error{srcFrame.meta.file, QStringLiteral("images larger than %1 px on a side are not supported").arg(kMaxSide)};
    if (!srcFrame.wcs.isValid() || !dst.wcs.isValid())
        return Error{srcFrame.meta.file, QStringLiteral("no usable world coordinates")};

    ResampleInfo info;
    const double dstScale = std::sqrt(std::fabs(dst.meta.cdelt1 * dst.meta.cdelt2))
        * (dst.meta.isHelioprojective() ? 1.0 : 3600.0);
    const double shift = observerShiftArcsec(srcFrame, dst);
    info.throughSphere = !(shift / dstScale < kObserverTolerancePx);
    info.offDiskScreen = info.throughSphere && offDisk == OffDisk::SphericalScreen;

    // Exact correspondences on two grids: one to fit, one to check.
    ExactMapper mapper(srcFrame, dst, info.throughSphere, offDisk);
    std::vector<double> fitDst = gridPoints(dst, 5), checkDst = gridPoints(dst, 9);
    std::vector<double> fitSrc(fitDst.size()), checkSrc(checkDst.size());
    mapper.map(fitDst.data(), fitSrc.data(), static_cast<int>(fitDst.size() / 2));
    mapper.map(checkDst.data(), checkSrc.data(), static_cast<int>(checkDst.size() / 2));

    // Linear part at the frame centre (for the report): finite differences of the exact mapping.
    {
        const double cx = (dst.width - 1) / 2.0, cy = (dst.height - 1) / 2.0;
        const double pts[6] = {cx, cy, cx + 1, cy, cx, cy + 1};
        double out[6];
        mapper.map(pts, out, 3);
        const double j00 = out[2] - out[0], j10 = out[3] - out[1], j01 = out[4] - out[0], j11 = out[5] - out[1];
        if (std::isfinite(j00 + j10 + j01 + j11)) {
            info.scaleFactor = std::sqrt(std::fabs(j00 * j11 - j01 * j10));
            info.rotationDeg = std::atan2(j10, j00) / kDeg;
        }
    }

    Image out(dst.width, dst.height);
    const bool cubic = interpolation == Interpolation::Cubic;

    // Two TAN maps seen from the same observer: both gnomonic projections from the observer, so the mapping
    // between their pixel grids is exactly a homography (plane-to-plane central projection composed with
    // the affine pixel<->plane maps), and exactly affine when the tangent points (CRVAL) coincide. We fit
    // the model to exact WCSLIB correspondences and check it on another grid; any deviation (a non-TAN
    // nuance, distortion keywords) sends us to the exact per-pixel path.
    const bool modelCandidate = !info.throughSphere && isTan(srcFrame.meta) && isTan(dst.meta) && allFinite(fitSrc)
        && allFinite(checkSrc);
    double h[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    bool haveModel = false;
    if (modelCandidate) {
        double a[6];
        if (fitAffine(fitDst, fitSrc, a)) {
            const double err = maxErrorAffine(a, checkDst, checkSrc);
            if (err < kModelTolerancePx) {
                std::copy(a, a + 6, h);
                h[6] = h[7] = 0.0;
                h[8] = 1.0;
                info.method = QStringLiteral("affine");
                info.modelErrorPx = err;
                haveModel = true;
            }
        }
        if (!haveModel && fitHomography(fitDst, fitSrc, h)) {
            const double err = maxErrorHomography(h, checkDst, checkSrc);
            if (err < kModelTolerancePx) {
                info.method = QStringLiteral("homography");
                info.modelErrorPx = err;
                haveModel = true;
            }
        }
    }

    if (haveModel) {
        const bool affine = h[6] == 0.0 && h[7] == 0.0;
        cv::parallel_for_(cv::Range(0, dst.height), [&](const cv::Range &range) {
            for (int y = range.start; y < range.end; ++y) {
                float *o = out.row(y);
                if (affine) {
                    // Exact positions in double: no quantisation of the sub-pixel offsets.
                    const double bx = h[1] * y + h[2], by = h[4] * y + h[5];
                    for (int x = 0; x < dst.width; ++x)
                        o[x] = detail::sample(src, h[0] * x + bx, h[3] * x + by, cubic);
                } else {
                    for (int x = 0; x < dst.width; ++x) {
                        const double w = h[6] * x + h[7] * y + h[8];
                        o[x] = detail::sample(src, (h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w,
                                              cubic);
                    }
                }
            }
        });
        if (infoOut)
            *infoOut = info;
        return out;
    }

    // Exact path: every output pixel through world coordinates, in strips of rows.
    const int strips = (dst.height + kStripRows - 1) / kStripRows;
    cv::parallel_for_(cv::Range(0, strips), [&](const cv::Range &range) {
        ExactMapper local(srcFrame, dst, info.throughSphere, offDisk);
        std::vector<double> xy, sxy;
        for (int s = range.start; s < range.end; ++s) {
            const int y0 = s * kStripRows, y1 = std::min(dst.height, y0 + kStripRows);
            const int n = (y1 - y0) * dst.width;
            xy.resize(2 * static_cast<std::size_t>(n));
            sxy.resize(xy.size());
            for (int y = y0, k = 0; y < y1; ++y)
                for (int x = 0; x < dst.width; ++x, ++k) {
                    xy[2 * k] = x;
                    xy[2 * k + 1] = y;
                }
            local.map(xy.data(), sxy.data(), n);  // NaN where undefined: sample() returns NaN there
            for (int y = y0, k = 0; y < y1; ++y) {
                float *o = out.row(y);
                for (int x = 0; x < dst.width; ++x, ++k)
                    o[x] = detail::sample(src, sxy[2 * k], sxy[2 * k + 1], cubic);
            }
        }
    });
    info.method = QStringLiteral("per-pixel");
    info.modelErrorPx = 0;
    if (infoOut)
        *infoOut = info;
    return out;
}

Image Resample::areaAverage(const Image &src, int width, int height, double minValidFraction)
{
    Image out(width, height, std::numeric_limits<float>::quiet_NaN());
    if (src.isEmpty() || width <= 0 || height <= 0)
        return out;
    const double sx = double(src.width) / width, sy = double(src.height) / height;

    // Overlap weights of input pixels [i, i+1) with output footprints [j*s, (j+1)*s).
    struct Tap {
        int index;
        double weight;
    };
    auto taps = [](int nOut, int nIn, double s) {
        std::vector<std::vector<Tap>> t(nOut);
        for (int j = 0; j < nOut; ++j) {
            const double a = j * s, b = (j + 1) * s;
            const int i0 = std::max(0, static_cast<int>(std::floor(a))), i1 = std::min(nIn, static_cast<int>(std::ceil(b)));
            for (int i = i0; i < i1; ++i) {
                const double w = std::min(b, i + 1.0) - std::max(a, double(i));
                if (w > 1e-12)
                    t[j].push_back({i, w});
            }
        }
        return t;
    };
    const auto tx = taps(width, src.width, sx), ty = taps(height, src.height, sy);
    const double footprint = sx * sy;

    cv::parallel_for_(cv::Range(0, height), [&](const cv::Range &range) {
        std::vector<double> sum(width), wsum(width);
        for (int j = range.start; j < range.end; ++j) {
            std::fill(sum.begin(), sum.end(), 0.0);
            std::fill(wsum.begin(), wsum.end(), 0.0);
            for (const Tap &rt : ty[j]) {
                const float *row = src.row(rt.index);
                for (int i = 0; i < width; ++i) {
                    double s = 0, w = 0;
                    for (const Tap &ct : tx[i]) {
                        const float v = row[ct.index];
                        if (std::isfinite(v)) {
                            s += ct.weight * v;
                            w += ct.weight;
                        }
                    }
                    sum[i] += rt.weight * s;
                    wsum[i] += rt.weight * w;
                }
            }
            float *o = out.row(j);
            for (int i = 0; i < width; ++i) {
                const bool enough = wsum[i] > 0 && wsum[i] >= minValidFraction * footprint * (1 - 1e-9);
                o[i] = enough ? static_cast<float>(sum[i] / wsum[i]) : std::numeric_limits<float>::quiet_NaN();
            }
        }
    });
    return out;
}

Expected<PixelFrame> Resample::areaAverageFrame(const PixelFrame &src, int width, int height)
{
    if (width <= 0 || height <= 0)
        return Error{src.meta.file, QStringLiteral("invalid output size %1x%2").arg(width).arg(height)};
    const double s[2] = {double(src.width) / width, double(src.height) / height};
    MapMeta m = src.meta;
    // Output pixel q (0-based) covers input [q s, (q+1) s): its centre is input (q + 0.5) s - 0.5. Hence
    // crpix0' = (crpix0 + 0.5) / s - 0.5 (1-based: (crpix - 0.5) / s + 0.5), and CD' = CD * diag(s).
    m.crpix1 = (src.meta.crpix1 - 0.5) / s[0] + 0.5;
    m.crpix2 = (src.meta.crpix2 - 0.5) / s[1] + 0.5;
    m.cdelt1 = src.meta.cdelt1 * s[0];
    m.cdelt2 = src.meta.cdelt2 * s[1];
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            m.pc[i][j] = src.meta.pc[i][j] * s[j] / s[i];
    return PixelFrame::fromMeta(width, height, m);
}

int Resample::threads() { return cv::getNumThreads(); }

void Resample::setThreads(int n) { cv::setNumThreads(n > 0 ? n : -1); }

}  // namespace solarchip
