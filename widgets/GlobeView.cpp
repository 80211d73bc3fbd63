#include "widgets/GlobeView.h"

#include "core/map/SdoMap.h"
#include "core/map/Wcs.h"
#include "widgets/ColorBar.h"
#include "widgets/detail/GlobeGeometry.h"

#include <vtkActor.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkImageData.h>
#include <vtkInteractorObserver.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkTexture.h>
#include <vtkUnsignedCharArray.h>

#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QRubberBand>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr int kMaxTextureSide = 4096;
// Lines sit a little above the surface so the depth test keeps them in front of the sphere they are on;
// the limb a little further out, since at the silhouette the sphere bulges toward the camera and would
// hide the inner half of a line drawn on the tangency circle itself.
constexpr double kLineRadius = 1.0015;
constexpr double kLimbRadius = 1.003;

// Copies a QImage (row 0 at the top) into VTK image data (row 0 at the bottom, FITS order), RGB.
vtkSmartPointer<vtkImageData> toVtkImage(const QImage &source)
{
    QImage img = source;
    if (img.width() > kMaxTextureSide || img.height() > kMaxTextureSide)
        img = img.scaled(kMaxTextureSide, kMaxTextureSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    img = img.convertToFormat(QImage::Format_RGB888);
    auto data = vtkSmartPointer<vtkImageData>::New();
    data->SetDimensions(img.width(), img.height(), 1);
    data->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    auto *dst = static_cast<unsigned char *>(data->GetScalarPointer());
    const int rowBytes = img.width() * 3;
    for (int y = 0; y < img.height(); ++y)
        std::memcpy(dst + static_cast<size_t>(y) * rowBytes, img.constScanLine(img.height() - 1 - y), rowBytes);
    return data;
}

// Greyscale display of a map without the views' colormaps: linear between the 0.5 and 99.5 percentiles.
QImage greyscaleTexture(const Image &image)
{
    std::vector<float> finite;
    finite.reserve(image.size());
    const size_t stride = std::max<size_t>(1, image.size() / 1000000);  // a sample is enough for limits
    for (size_t i = 0; i < image.size(); i += stride)
        if (std::isfinite(image.pixels[i]))
            finite.push_back(image.pixels[i]);
    float lo = 0, hi = 1;
    if (!finite.empty()) {
        const auto at = [&](double q) {
            auto it = finite.begin() + static_cast<std::ptrdiff_t>(q * (finite.size() - 1));
            std::nth_element(finite.begin(), it, finite.end());
            return *it;
        };
        lo = at(0.005);
        hi = at(0.995);
        if (!(hi > lo))
            hi = lo + 1;
    }
    QImage out(image.width, image.height, QImage::Format_Grayscale8);
    for (int y = 0; y < image.height; ++y) {
        uchar *line = out.scanLine(image.height - 1 - y);
        const float *src = image.row(y);
        for (int x = 0; x < image.width; ++x) {
            const float v = src[x];
            const float t = std::isfinite(v) ? std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f) : 0.0f;
            line[x] = static_cast<uchar>(std::lround(t * 255.0f));
        }
    }
    return out;
}

vtkSmartPointer<vtkActor> makeActor(vtkPolyData *poly)
{
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(poly);
    mapper->ScalarVisibilityOff();
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    return actor;
}

}  // namespace

struct GlobeView::Impl {
    GlobeView *q = nullptr;
    bool hasMap = false;
    Observer observer;
    GlobeFraming framing;  // the observer preset's field of view (tangent-plane coordinates)
    double meshStep = 2.0;
    double gridSpacing = 15.0;
    bool gridVisible = true;
    bool limbVisible = true;
    bool offLimbVisible = true;

    std::optional<Wcs> wcs;
    int naxis1 = 0, naxis2 = 0;

    vtkSmartPointer<vtkActor> mapActor;      // textured triangles (the map)
    vtkSmartPointer<vtkActor> neutralActor;  // the rest of the sphere
    vtkSmartPointer<vtkActor> gridActor;
    vtkSmartPointer<vtkActor> limbActor;
    vtkSmartPointer<vtkActor> offLimbActor;  // the map beyond the limb, on the plane of the sky
    vtkSmartPointer<vtkTexture> texture;
    vtkSmartPointer<vtkCallbackCommand> interactionObserver;
    QLabel *caption = nullptr;
    ColorBar *colorBar = nullptr;
    // Picking: a left press, and whether it is a Shift+drag box (not forwarded to VTK: no pan).
    QPointF pressPos;
    bool pressed = false;
    bool boxDrag = false;
    QRubberBand *band = nullptr;

    // Reapplying the preset framing on resize only while the user has not moved the camera since.
    vtkMTimeType presetCameraTime = 0;
    double presetAspect = 0;
    enum class Preset { None, Observer, NorthPole } preset = Preset::None;

    double distance() const { return observerDistanceRadii(observer); }

    bool cameraUserSet() const
    {
        return preset == Preset::None || q->renderer()->GetActiveCamera()->GetMTime() != presetCameraTime;
    }

    void placeChildren()
    {
        caption->adjustSize();
        caption->move(8, 8);
        const int w = std::min(110, q->width() / 4), h = std::max(80, q->height() * 3 / 5);
        colorBar->setGeometry(q->width() - w - 8, (q->height() - h) / 2, w, h);
    }

    void rebuildSphere()
    {
        GlobeMesh mesh = buildGlobeMesh(meshStep, wcs ? &*wcs : nullptr, naxis1, naxis2);
        mapActor->GetMapper()->SetInputDataObject(mesh.mapped);
        neutralActor->GetMapper()->SetInputDataObject(mesh.neutral);
        mapActor->SetVisibility(hasMap && mesh.mapped->GetNumberOfCells() > 0);
        vtkSmartPointer<vtkPolyData> plane = hasMap && wcs ? buildOffLimbPlane(*wcs, naxis1, naxis2, framing) : nullptr;
        offLimbActor->GetMapper()->SetInputDataObject(plane ? plane : vtkSmartPointer<vtkPolyData>::New());
        offLimbActor->SetVisibility(offLimbVisible && plane != nullptr);  // aboutToRender() fades it
    }

    void rebuildLines()
    {
        gridActor->GetMapper()->SetInputDataObject(buildGrid(gridSpacing, kLineRadius));
        limbActor->GetMapper()->SetInputDataObject(buildLimb(observer, kLimbRadius));
        gridActor->SetVisibility(gridVisible);
        limbActor->SetVisibility(limbVisible);
    }

    double aspect() const
    {
        return q->height() > 0 ? static_cast<double>(q->width()) / q->height() : 1.0;
    }

    void markPreset(Preset p)
    {
        preset = p;
        presetAspect = aspect();
        presetCameraTime = q->renderer()->GetActiveCamera()->GetMTime();
    }

    void applyObserverPreset()
    {
        vtkCamera *cam = q->renderer()->GetActiveCamera();
        double pos[3];
        observerPosition(observer, pos);
        // Perspective from the observer: screen coordinates are tangent-plane (TAN) coordinates, the
        // same plane a helioprojective TAN map samples linearly. Fit the map's extent, centred on the map
        // centre as in the 2D view. A full-disk map turns about the Sun centre (the window shifted to the
        // map centre); a cutout about the point of the Sun it shows, so rotating keeps it in view.
        const double a = aspect();
        const double halfTan = std::max(framing.halfHeight, framing.halfWidth / a);
        if (framingCoversDisk(framing, observer)) {
            cam->SetFocalPoint(0, 0, 0);
            cam->SetWindowCenter(framing.centerU / (halfTan * a), framing.centerV / halfTan);
        } else {
            double pivot[3];
            framingPivot(framing, observer, pivot);
            cam->SetFocalPoint(pivot);
            cam->SetWindowCenter(0, 0);
        }
        cam->SetPosition(pos);
        cam->SetViewUp(0, 0, 1);
        cam->OrthogonalizeViewUp();
        cam->ParallelProjectionOff();
        cam->SetViewAngle(2.0 * std::atan(halfTan) / kDeg);
        q->renderer()->ResetCameraClippingRange();
        markPreset(Preset::Observer);
    }

    void applyNorthPolePreset()
    {
        vtkCamera *cam = q->renderer()->GetActiveCamera();
        const double dist = distance();
        double pos[3];
        observerPosition(observer, pos);
        const double horiz = std::hypot(pos[0], pos[1]);
        cam->SetFocalPoint(0, 0, 0);
        cam->SetPosition(0, 0, dist);
        // The observer's side of the Sun at the bottom of the screen.
        if (horiz > 0)
            cam->SetViewUp(-pos[0] / horiz, -pos[1] / horiz, 0);
        else
            cam->SetViewUp(-1, 0, 0);
        cam->OrthogonalizeViewUp();
        cam->ParallelProjectionOff();
        const double halfTan = 1.25 / (dist - 1.0);  // the whole disk with a margin
        const double a = aspect();
        cam->SetViewAngle(2.0 * std::atan(a < 1.0 ? halfTan / a : halfTan) / kDeg);
        cam->SetWindowCenter(0, 0);
        q->renderer()->ResetCameraClippingRange();
        markPreset(Preset::NorthPole);
    }

    void viewMoved()
    {
        q->update();
        Q_EMIT q->viewChanged();
    }

    static void onInteraction(vtkObject *, unsigned long, void *clientData, void *)
    {
        static_cast<Impl *>(clientData)->viewMoved();
    }
};

GlobeView::GlobeView(QWidget *parent) : VtkOpenGLWidget(parent), d(std::make_unique<Impl>())
{
    d->q = this;
    setBackgroundColor(QColor(0, 0, 0));

    auto emptyPoly = vtkSmartPointer<vtkPolyData>::New();
    d->mapActor = makeActor(emptyPoly);
    d->neutralActor = makeActor(emptyPoly);
    d->gridActor = makeActor(emptyPoly);
    d->limbActor = makeActor(emptyPoly);
    d->offLimbActor = makeActor(emptyPoly);

    // The map shows data values: no lighting, the texture colour is the colour on screen.
    d->mapActor->GetProperty()->LightingOff();
    d->mapActor->GetProperty()->SetColor(1, 1, 1);
    d->texture = vtkSmartPointer<vtkTexture>::New();
    d->texture->InterpolateOn();
    d->texture->MipmapOn();
    // Off the map the texture shows its border: the neutral grey.
    d->texture->SetWrap(vtkTexture::ClampToBorder);
    d->texture->SetBorderColor(static_cast<float>(neutralGrey()[0]), static_cast<float>(neutralGrey()[1]),
                               static_cast<float>(neutralGrey()[2]), 1.0f);
    d->mapActor->SetTexture(d->texture);
    d->offLimbActor->GetProperty()->LightingOff();
    d->offLimbActor->SetTexture(d->texture);
    // The software rasteriser of headless machines pays per triangle: skip the half facing away.
    d->mapActor->GetProperty()->BackfaceCullingOn();

    // Where there is no data: a dim, lit grey so the sphere still reads as a sphere.
    vtkProperty *np = d->neutralActor->GetProperty();
    np->SetColor(neutralGrey()[0], neutralGrey()[1], neutralGrey()[2]);
    np->SetAmbient(0.55);
    np->SetDiffuse(0.45);
    np->SetSpecular(0.0);
    np->BackfaceCullingOn();

    d->gridActor->GetProperty()->LightingOff();
    d->gridActor->GetProperty()->SetColor(gridColor()[0], gridColor()[1], gridColor()[2]);
    d->gridActor->GetProperty()->SetLineWidth(1.0f);
    d->limbActor->GetProperty()->LightingOff();
    d->limbActor->GetProperty()->SetColor(limbColor()[0], limbColor()[1], limbColor()[2]);
    d->limbActor->GetProperty()->SetLineWidth(2.0f);

    renderer()->AddActor(d->neutralActor);
    renderer()->AddActor(d->mapActor);
    renderer()->AddActor(d->offLimbActor);
    renderer()->AddActor(d->gridActor);
    renderer()->AddActor(d->limbActor);

    d->interactionObserver = vtkSmartPointer<vtkCallbackCommand>::New();
    d->interactionObserver->SetClientData(d.get());
    d->interactionObserver->SetCallback(&Impl::onInteraction);
    if (vtkInteractorObserver *style = interactor()->GetInteractorStyle())
        style->AddObserver(vtkCommand::InteractionEvent, d->interactionObserver);

    // An Earth-bound observer until a map arrives: the neutral sphere with its grid.
    d->framing = fullDiskFraming(d->observer);
    d->rebuildSphere();
    d->rebuildLines();
    d->applyObserverPreset();

    // Caption and colour bar: light text on a translucent dark box, over the picture.
    d->caption = new QLabel(this);
    d->caption->setObjectName(QStringLiteral("globeCaption"));
    d->caption->setStyleSheet(QStringLiteral(
        "QLabel { color: white; background: rgba(0, 0, 0, 150); padding: 3px 5px; border-radius: 3px; font-weight: bold; }"));
    d->caption->hide();
    d->colorBar = new ColorBar(Qt::Vertical, this);
    d->colorBar->setObjectName(QStringLiteral("globeColorBar"));
    d->colorBar->setAutoFillBackground(true);
    QPalette pal = d->colorBar->palette();
    pal.setColor(QPalette::Window, QColor(0, 0, 0));
    pal.setColor(QPalette::WindowText, QColor(255, 255, 255));
    d->colorBar->setPalette(pal);
    d->colorBar->hide();
    d->placeChildren();
}

GlobeView::~GlobeView()
{
    if (vtkInteractorObserver *style = interactor()->GetInteractorStyle())
        style->RemoveObserver(d->interactionObserver);
}

void GlobeView::setMap(const SdoMap &map, const QImage &textureImage)
{
    if (textureImage.isNull() || map.image.isEmpty() || !map.wcs.isValid()) {
        clearMap();
        return;
    }
    const bool hadMap = d->hasMap;
    d->observer = map.wcs.observer();
    d->wcs = map.wcs;
    d->naxis1 = map.image.width;
    d->naxis2 = map.image.height;
    d->hasMap = true;
    d->texture->SetInputData(toVtkImage(textureImage));
    d->framing = mapFraming(*d->wcs, d->naxis1, d->naxis2, d->observer);
    d->rebuildSphere();
    d->rebuildLines();
    // A camera the user moved stays (stepping in time or switching channel must not undo a rotation or a
    // zoom); one still in a preset follows the new map's observer and framing.
    if (!hadMap || !d->cameraUserSet()) {
        if (d->preset == Impl::Preset::NorthPole)
            d->applyNorthPolePreset();
        else
            d->applyObserverPreset();
    }
    update();
}

void GlobeView::setMap(const SdoMap &map) { setMap(map, greyscaleTexture(map.image)); }

void GlobeView::clearMap()
{
    d->hasMap = false;
    d->wcs.reset();
    d->naxis1 = d->naxis2 = 0;
    d->texture->SetInputData(nullptr);
    d->rebuildSphere();
    setCaption(QString());
    setColorBar(RenderedMap(), QString());
    update();
}

bool GlobeView::hasMap() const { return d->hasMap; }

void GlobeView::setCaption(const QString &caption)
{
    d->caption->setText(caption);
    d->caption->setVisible(!caption.isEmpty());
    d->placeChildren();
}

QString GlobeView::caption() const { return d->caption->text(); }

void GlobeView::setColorBar(const RenderedMap &rendered, const QString &unit)
{
    d->colorBar->setRendering(rendered, unit);
    d->colorBar->setVisible(!rendered.isNull());
    d->placeChildren();
}

ColorBar *GlobeView::colorBar() const { return d->colorBar; }

bool GlobeView::isCameraUserSet() const { return d->cameraUserSet(); }

GlobeView::CameraState GlobeView::cameraState() const
{
    CameraState s;
    vtkCamera *cam = renderer()->GetActiveCamera();
    cam->GetPosition(s.position.data());
    cam->GetFocalPoint(s.focalPoint.data());
    cam->GetViewUp(s.viewUp.data());
    s.viewAngle = cam->GetViewAngle();
    return s;
}

void GlobeView::resizeEvent(QResizeEvent *event)
{
    VtkOpenGLWidget::resizeEvent(event);
    d->placeChildren();
}

bool GlobeView::isGridVisible() const { return d->gridVisible; }
bool GlobeView::isLimbVisible() const { return d->limbVisible; }
bool GlobeView::isOffLimbVisible() const { return d->offLimbVisible; }

void GlobeView::setOffLimbVisible(bool visible)
{
    d->offLimbVisible = visible;
    d->rebuildSphere();
    update();
}
double GlobeView::gridSpacing() const { return d->gridSpacing; }
double GlobeView::meshStep() const { return d->meshStep; }

void GlobeView::setMeshStep(double degrees)
{
    degrees = std::clamp(degrees, 0.1, 10.0);
    if (degrees == d->meshStep)
        return;
    d->meshStep = degrees;
    d->rebuildSphere();
    update();
}

double GlobeView::angleFromObserver() const
{
    // Between the directions from the focal point to the camera and to the observer.
    double pos[3], fp[3], obs[3];
    renderer()->GetActiveCamera()->GetPosition(pos);
    renderer()->GetActiveCamera()->GetFocalPoint(fp);
    observerPosition(d->observer, obs);
    for (int i = 0; i < 3; ++i)
        obs[i] -= fp[i];
    const double v[3] = {pos[0] - fp[0], pos[1] - fp[1], pos[2] - fp[2]};
    const double dot = v[0] * obs[0] + v[1] * obs[1] + v[2] * obs[2];
    const double cross[3] = {v[1] * obs[2] - v[2] * obs[1], v[2] * obs[0] - v[0] * obs[2], v[0] * obs[1] - v[1] * obs[0]};
    const double sine = std::sqrt(cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]);
    if (sine == 0 && dot == 0)
        return 0;
    // atan2 rather than acos of the normalised dot product: acos is ill-conditioned at 0, where a rounding
    // error of 1e-16 in the cosine reads as 1e-6 deg (and the observer view would not be the observer view).
    return std::atan2(sine, dot) / kDeg;
}

std::optional<QPointF> GlobeView::hpcAt(QPointF widgetPoint, QString *why) const
{
    const auto fail = [why](const QString &reason) -> std::optional<QPointF> {
        if (why)
            *why = reason;
        return std::nullopt;
    };
    if (!d->hasMap || !d->wcs)
        return fail(tr("Globe: no map shown"));
    vtkRenderer *ren = renderer();
    const int *size = ren->GetSize();  // the viewport (the whole window) in device pixels
    if (!size || size[0] <= 0 || size[1] <= 0)
        return fail(tr("Globe: not on screen yet"));
    // The pixel in VTK display coordinates (device pixels, y up), as VtkOpenGLWidget forwards events.
    const double dpr = devicePixelRatioF();
    const double dx = widgetPoint.x() * dpr, dy = size[1] - widgetPoint.y() * dpr - 1.0;
    // The ray through it: its points on the near and far clipping planes.
    double ends[2][3];
    for (int k = 0; k < 2; ++k) {
        ren->SetDisplayPoint(dx, dy, k);
        ren->DisplayToWorld();
        double w[4];
        ren->GetWorldPoint(w);
        const double h = w[3] != 0 ? w[3] : 1.0;
        for (int i = 0; i < 3; ++i)
            ends[k][i] = w[i] / h;
    }
    double dir[3] = {ends[1][0] - ends[0][0], ends[1][1] - ends[0][1], ends[1][2] - ends[0][2]};
    const double len = std::sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    if (!(len > 0))
        return fail(tr("Globe: no ray through that pixel"));
    for (double &c : dir)
        c /= len;
    // |o + t dir| = 1 (the unit sphere): t^2 + 2 b t + c = 0; the nearest root ahead is the point on screen.
    const double *o = ends[0];
    const double b = o[0] * dir[0] + o[1] * dir[1] + o[2] * dir[2];
    const double c = o[0] * o[0] + o[1] * o[1] + o[2] * o[2] - 1.0;
    const double disc = b * b - c;
    if (disc < 0)
        return fail(tr("Globe: off the solar disk (corona or space): click on the sphere to query"));
    double t = -b - std::sqrt(disc);
    if (t < 0)
        t = -b + std::sqrt(disc);
    if (t < 0)
        return fail(tr("Globe: off the solar disk (corona or space): click on the sphere to query"));
    const double p[3] = {o[0] + t * dir[0], o[1] + t * dir[1], o[2] + t * dir[2]};
    const LonLat hgs{std::atan2(p[1], p[0]) / kDeg, std::asin(std::clamp(p[2], -1.0, 1.0)) / kDeg};
    double tx = 0, ty = 0;
    bool visible = false;
    if (!Wcs::stonyhurstToHelioprojective(hgs, d->wcs->observer(), tx, ty, &visible) || !visible)
        return fail(tr("Globe: lon %1, lat %2 is on the far side, not seen in this map").arg(hgs.lon, 0, 'f', 1).arg(hgs.lat, 0, 'f', 1));
    double x = 0, y = 0;
    if (!d->wcs->helioprojectiveToPixel(tx, ty, x, y) || x < -0.5 || y < -0.5 || x > d->naxis1 - 0.5 || y > d->naxis2 - 0.5)
        return fail(tr("Globe: lon %1, lat %2 is outside the map's field of view").arg(hgs.lon, 0, 'f', 1).arg(hgs.lat, 0, 'f', 1));
    return QPointF(tx, ty);
}

void GlobeView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        d->pressed = true;
        d->pressPos = event->position();
        d->boxDrag = event->modifiers().testFlag(Qt::ShiftModifier);
        if (d->boxDrag) {  // a box to query, not VTK's Shift+drag pan
            if (!d->band)
                d->band = new QRubberBand(QRubberBand::Rectangle, this);
            d->band->setGeometry(QRect(d->pressPos.toPoint(), QSize()));
            d->band->show();
            event->accept();
            return;
        }
    }
    VtkOpenGLWidget::mousePressEvent(event);
}

void GlobeView::mouseMoveEvent(QMouseEvent *event)
{
    if (d->pressed && d->boxDrag) {
        if (d->band)
            d->band->setGeometry(QRect(d->pressPos.toPoint(), event->position().toPoint()).normalized());
        event->accept();
        return;
    }
    VtkOpenGLWidget::mouseMoveEvent(event);
}

void GlobeView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !d->pressed) {
        VtkOpenGLWidget::mouseReleaseEvent(event);
        return;
    }
    d->pressed = false;
    const QPointF release = event->position();
    if (d->boxDrag) {
        d->boxDrag = false;
        if (d->band)
            d->band->hide();
        event->accept();
        QString why;
        const auto a = hpcAt(d->pressPos, &why);
        const auto b = a ? hpcAt(release, &why) : std::nullopt;
        if (!a || !b) {
            Q_EMIT pickRejected(why);
            return;
        }
        Q_EMIT hpcPicked((*a + *b) / 2, QSizeF(std::abs(a->x() - b->x()), std::abs(a->y() - b->y())));
        return;
    }
    VtkOpenGLWidget::mouseReleaseEvent(event);  // ends a rotation
    // A click, not a rotation: press and release within a few pixels (a drag has turned the camera).
    if ((release - d->pressPos).manhattanLength() > 4)
        return;
    QString why;
    if (const auto hpc = hpcAt(release, &why))
        Q_EMIT hpcPicked(*hpc, QSizeF());
    else
        Q_EMIT pickRejected(why);
}

void GlobeView::viewFromObserver()
{
    d->applyObserverPreset();
    d->viewMoved();
}

void GlobeView::viewFromNorthPole()
{
    d->applyNorthPolePreset();
    d->viewMoved();
}

void GlobeView::resetView() { viewFromObserver(); }

void GlobeView::rotateCamera(double azimuthDeg, double elevationDeg)
{
    vtkCamera *cam = renderer()->GetActiveCamera();
    cam->Azimuth(azimuthDeg);
    cam->Elevation(elevationDeg);
    cam->OrthogonalizeViewUp();
    renderer()->ResetCameraClippingRange();
    d->viewMoved();
}

void GlobeView::zoomBy(double factor)
{
    if (!(factor > 0))
        return;
    vtkCamera *cam = renderer()->GetActiveCamera();
    // Move toward the Sun, but never inside it.
    const double dist = cam->GetDistance();
    const double minDist = 1.05;
    if (dist / factor < minDist)
        factor = dist / minDist;
    cam->Dolly(factor);
    renderer()->ResetCameraClippingRange();
    d->viewMoved();
}

void GlobeView::setGridVisible(bool visible)
{
    d->gridVisible = visible;
    d->gridActor->SetVisibility(visible);
    update();
}

void GlobeView::setLimbVisible(bool visible)
{
    d->limbVisible = visible;
    d->limbActor->SetVisibility(visible);
    update();
}

void GlobeView::setGridSpacing(double degrees)
{
    degrees = std::clamp(degrees, 1.0, 90.0);
    d->gridSpacing = degrees;
    d->rebuildLines();
    update();
}

void GlobeView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left: rotateCamera(-5, 0); return;
    case Qt::Key_Right: rotateCamera(5, 0); return;
    case Qt::Key_Up: rotateCamera(0, 5); return;
    case Qt::Key_Down: rotateCamera(0, -5); return;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(1.25); return;
    case Qt::Key_Minus: zoomBy(1 / 1.25); return;
    case Qt::Key_O: viewFromObserver(); return;
    case Qt::Key_N: viewFromNorthPole(); return;
    case Qt::Key_R: resetView(); return;
    // VTK's own keys that would quit, fly, pick or switch to stereo are not wanted in a viewer.
    case Qt::Key_E:
    case Qt::Key_Q:
    case Qt::Key_F:
    case Qt::Key_P:
    case Qt::Key_U:
    case Qt::Key_3:
        event->ignore();
        return;
    default:
        VtkOpenGLWidget::keyPressEvent(event);
    }
}

void GlobeView::aboutToRender()
{
    // The off-limb plane belongs to the observer's view: turned away from it, it would be a sheet cutting
    // through the globe (and a black one for maps without a corona), so it fades out over the first 15 deg.
    // Within 0.01 deg it is the observer view: drawn opaque, not through VTK's translucency pass for a fade
    // of 1 - 1e-15 that nobody could see.
    const double angle = angleFromObserver();
    const double fade = angle < 0.01 ? 1.0 : std::clamp(1.0 - angle / 15.0, 0.0, 1.0);
    d->offLimbActor->GetProperty()->SetOpacity(fade);
    d->offLimbActor->SetVisibility(d->offLimbVisible && d->hasMap && fade > 0.02
                                   && d->offLimbActor->GetMapper()->GetInput()
                                   && d->offLimbActor->GetMapper()->GetInput()->GetNumberOfCells() > 0);

    // Keep the preset framing when the widget is resized, unless the user moved the camera since.
    if (d->preset == Impl::Preset::None || std::fabs(d->aspect() - d->presetAspect) < 1e-9)
        return;
    if (renderer()->GetActiveCamera()->GetMTime() != d->presetCameraTime) {
        d->preset = Impl::Preset::None;
        return;
    }
    if (d->preset == Impl::Preset::Observer)
        d->applyObserverPreset();
    else
        d->applyNorthPolePreset();
}

}  // namespace solarchip
