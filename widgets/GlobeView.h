#pragma once
// The 3D view of a map: the image projected onto the solar sphere, seen from the map's observer (B0 tilt
// and Stonyhurst longitude from the WCS), with a heliographic grid and the observer's limb, rotatable with
// the mouse. Texture coordinates come from core's WCS for every vertex of a lon/lat mesh (Stonyhurst ->
// helioprojective -> map pixel); the far side and everything the map does not cover get a neutral grey.
// What the map shows beyond the limb (the corona) sits on the plane through the Sun centre facing the
// observer, as in JHelioviewer, so the observer view shows the whole map; it fades out as the camera turns
// more than 15 deg away from the observer.
//
// World units are solar radii; Stonyhurst Cartesian axes (x toward lon 0 lat 0, y toward lon 90 W, z to
// the north pole). The observer preset puts a perspective camera at the observer (DSUN_OBS), north up
// (helioprojective +Ty), framed like the 2D map fitted to the widget: the map's field of view fills the
// widget, centred on the map centre, so the disk looks the same as in the 2D view. Full-disk maps turn
// about the Sun centre, cutouts and patches about the point of the Sun at the map centre.
//
// Mouse: left drag rotates (about the pivot above), right drag / wheel zoom, middle drag pans. A left click
// without motion (press and release within 4 px) picks the point of the sphere under it, and a Shift+left drag
// a box, as a click and a box drag do on the 2D maps: the ray from the camera through the pixel meets the unit
// sphere, the nearest intersection (the one on screen) goes Stonyhurst -> helioprojective arcsec of the shown
// map's observer (the coordinates a 2D map click gives), and hpcPicked() tells. Off the sphere (the corona on
// the off-limb plane, empty space), on the far side the map's observer does not see, or outside a cutout's
// field, pickRejected() says why and nothing is picked.
// Keys: arrows rotate by 5 deg, +/- zoom, O observer view, N north-pole view, R reset.
//
// The camera belongs to the user: once moved (mouse, keys, zoom) it stays where it is when the map changes
// (another channel, another time); only a camera still in a preset follows the new map's framing. A caption
// (channel and time) sits in the top-left corner and the colour bar of the 2D view the texture comes from at
// the right, both child widgets over the OpenGL picture.

#include "widgets/MapRenderer.h"
#include "widgets/VtkOpenGLWidget.h"

#include <QImage>
#include <QPointF>
#include <QSizeF>

#include <array>
#include <memory>
#include <optional>

namespace solarchip {

struct SdoMap;
class ColorBar;

class GlobeView : public VtkOpenGLWidget {
    Q_OBJECT
public:
    explicit GlobeView(QWidget *parent = nullptr);
    ~GlobeView() override;

    /// Shows `map` on the sphere. `texture` is the map as displayed (colormapped and scaled), covering the
    /// map's whole pixel grid with row 0 at the top (FITS row NAXIS2), i.e. north-up like the 2D view; any
    /// size with the map's aspect ratio (it is resampled to at most 4096 px a side). The camera moves to
    /// the observer preset when the observer changes (first map, or a map from another vantage point).
    void setMap(const SdoMap &map, const QImage &texture);
    /// Same with a plain greyscale texture (linear between the 0.5 and 99.5 percentiles) for callers that
    /// have no colormapped image yet.
    void setMap(const SdoMap &map);
    void clearMap();
    bool hasMap() const;

    /// The label in the top-left corner ("AIA 171 Å 2011-06-07 12:00:01"); empty hides it.
    void setCaption(const QString &caption);
    QString caption() const;
    /// The colour bar of the rendering the texture was made from (hidden for a null rendering).
    void setColorBar(const RenderedMap &rendered, const QString &unit);
    ColorBar *colorBar() const;
    /// Whether the user moved the camera away from the presets (then map changes keep it).
    bool isCameraUserSet() const;
    /// The camera in world units (solar radii, Stonyhurst Cartesian): for tests and for saving a view.
    struct CameraState {
        std::array<double, 3> position{}, focalPoint{}, viewUp{};
        double viewAngle = 0;  // degrees
        bool operator==(const CameraState &o) const
        {
            return position == o.position && focalPoint == o.focalPoint && viewUp == o.viewUp && viewAngle == o.viewAngle;
        }
    };
    CameraState cameraState() const;

    bool isGridVisible() const;
    bool isLimbVisible() const;
    /// The off-limb plane (on by default).
    bool isOffLimbVisible() const;
    /// Spacing of the heliographic grid in degrees (15 by default).
    double gridSpacing() const;
    /// Angular step of the sphere mesh in degrees (2 by default). The limb polygon then deviates from a
    /// circle by 1.5e-4 radii and linear texture interpolation by < 0.03 map pixel; finer costs frame time
    /// on software renderers (llvmpipe pays per triangle).
    double meshStep() const;
    void setMeshStep(double degrees);

    /// Angle between the current view direction and the observer's line of sight to the same pivot,
    /// degrees (0 in the observer preset).
    double angleFromObserver() const;

    /// The helioprojective arcsec (the shown map's observer) of the point of the sphere under `widgetPoint`
    /// (logical pixels) with the current camera; none, with the reason in `why`, off the sphere, on the far
    /// side, outside the map's field or without a map.
    std::optional<QPointF> hpcAt(QPointF widgetPoint, QString *why = nullptr) const;

public Q_SLOTS:
    /// From the map's observer, north up, framed like the 2D map (the default).
    void viewFromObserver();
    /// Looking down on the north pole, the observer's side at the bottom.
    void viewFromNorthPole();
    /// Back to the observer view and its zoom.
    void resetView();
    /// Rotates the camera about the Sun centre: azimuth about the view-up axis, elevation about the
    /// horizontal screen axis (degrees).
    void rotateCamera(double azimuthDeg, double elevationDeg);
    /// factor > 1 zooms in.
    void zoomBy(double factor);
    void setGridVisible(bool visible);
    void setLimbVisible(bool visible);
    void setOffLimbVisible(bool visible);
    void setGridSpacing(double degrees);

Q_SIGNALS:
    /// The camera moved (mouse, keys or a preset).
    void viewChanged();
    /// A click without motion (`box` empty) or a Shift+drag box (`hpc` its centre, `box` width x height
    /// arcsec) picked a point of the shown map (helioprojective arcsec, as a 2D map click).
    void hpcPicked(const QPointF &hpc, const QSizeF &box);
    /// A click or box that picks nothing (off the sphere, far side, outside the map): why, for the status bar.
    void pickRejected(const QString &why);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void aboutToRender() override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
