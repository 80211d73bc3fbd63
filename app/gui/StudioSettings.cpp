#include "app/gui/StudioSettings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace solarchip {

namespace {
const QString kLastArchive = QStringLiteral("archive/last");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kViewMode = QStringLiteral("window/view");
const QString kCacheBudget = QStringLiteral("performance/cacheBudgetBytes");
const QString kDisplaySize = QStringLiteral("performance/displaySize");
const QString kPrefetchAhead = QStringLiteral("performance/prefetchAhead");
const QString kPrefetchBehind = QStringLiteral("performance/prefetchBehind");
const QString kTolerance = QStringLiteral("time/toleranceMs");
const QString kStep = QStringLiteral("time/stepMs");
const QString kFps = QStringLiteral("time/playbackFps");
const QString kLoop = QStringLiteral("time/loop");
const QString kExportDir = QStringLiteral("export/dir");
const QString kExportDataResolution = QStringLiteral("export/dataResolution");

QString displayKey(const QString &channel)
{
    return QStringLiteral("display/") + channel;
}
QString shortcutKey(const QString &id)
{
    return QStringLiteral("shortcuts/") + id;
}
}  // namespace

StudioSettings::StudioSettings(const QString &iniPath)
    : m_settings(iniPath.isEmpty() ? std::make_unique<QSettings>()
                                   : std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

StudioSettings::~StudioSettings() = default;

QString StudioSettings::fileName() const { return m_settings->fileName(); }
void StudioSettings::sync() { m_settings->sync(); }

QString StudioSettings::lastArchive() const { return m_settings->value(kLastArchive).toString(); }
void StudioSettings::setLastArchive(const QString &dir) { m_settings->setValue(kLastArchive, dir); }

std::optional<qint64> StudioSettings::lastTimeMs(const QString &archiveDir) const
{
    if (m_settings->value(QStringLiteral("archive/lastTimeArchive")).toString() != archiveDir)
        return std::nullopt;
    bool ok = false;
    const qint64 t = m_settings->value(QStringLiteral("archive/lastTimeMs")).toLongLong(&ok);
    return ok ? std::optional<qint64>(t) : std::nullopt;
}
void StudioSettings::setLastTime(const QString &archiveDir, qint64 timeMs)
{
    m_settings->setValue(QStringLiteral("archive/lastTimeArchive"), archiveDir);
    m_settings->setValue(QStringLiteral("archive/lastTimeMs"), timeMs);
}

QByteArray StudioSettings::windowGeometry() const { return m_settings->value(kGeometry).toByteArray(); }
void StudioSettings::setWindowGeometry(const QByteArray &geometry) { m_settings->setValue(kGeometry, geometry); }
QByteArray StudioSettings::windowState() const { return m_settings->value(kState).toByteArray(); }
void StudioSettings::setWindowState(const QByteArray &state) { m_settings->setValue(kState, state); }

QString StudioSettings::savedViewMode() const { return m_settings->value(kViewMode, QStringLiteral("map")).toString(); }
QString StudioSettings::viewMode() const
{
    const QString mode = savedViewMode();
    return mode == QLatin1String("globe") ? mode : QStringLiteral("map");
}
void StudioSettings::setViewMode(const QString &mode) { m_settings->setValue(kViewMode, mode); }

std::optional<DisplaySettings> StudioSettings::displaySettings(const QString &channel) const
{
    const QVariant text = m_settings->value(displayKey(channel));
    if (!text.isValid())
        return std::nullopt;
    return DisplaySettings::fromString(text.toString(), defaultDisplaySettings(channel));
}
void StudioSettings::setDisplaySettings(const QString &channel, const DisplaySettings &settings)
{
    m_settings->setValue(displayKey(channel), settings.toString());
}
void StudioSettings::clearDisplaySettings(const QString &channel) { m_settings->remove(displayKey(channel)); }
std::optional<DisplaySettings> StudioSettings::savedDisplayFor(const MapMeta &meta) const
{
    const auto saved = displaySettings(displaySettingsKey(meta));
    if (!saved)
        return std::nullopt;
    return displaySettingsForMap(*saved, meta);
}
DisplaySettings StudioSettings::displayFor(const MapMeta &meta) const
{
    const auto saved = savedDisplayFor(meta);
    return saved ? *saved : defaultDisplaySettings(meta);
}
void StudioSettings::rememberDisplayFor(const MapMeta &meta, const DisplaySettings &settings)
{
    setDisplaySettings(displaySettingsKey(meta), displaySettingsToRemember(settings, meta));
}

std::optional<bool> StudioSettings::overlayVisible(const QString &id) const
{
    const QVariant v = m_settings->value(QStringLiteral("overlays/") + id);
    if (!v.isValid())
        return std::nullopt;
    return v.toBool();
}
void StudioSettings::setOverlayVisible(const QString &id, bool visible)
{
    m_settings->setValue(QStringLiteral("overlays/") + id, visible);
}

double StudioSettings::compareOpacity() const
{
    return std::clamp(m_settings->value(QStringLiteral("compare/opacity"), 0.5).toDouble(), 0.0, 1.0);
}
void StudioSettings::setCompareOpacity(double opacity)
{
    m_settings->setValue(QStringLiteral("compare/opacity"), std::clamp(opacity, 0.0, 1.0));
}
int StudioSettings::blinkIntervalMs() const
{
    return std::clamp(m_settings->value(QStringLiteral("compare/blinkMs"), 500).toInt(), 50, 10000);
}
void StudioSettings::setBlinkIntervalMs(int ms)
{
    m_settings->setValue(QStringLiteral("compare/blinkMs"), std::clamp(ms, 50, 10000));
}

std::optional<QKeySequence> StudioSettings::shortcut(const QString &actionId) const
{
    const QVariant text = m_settings->value(shortcutKey(actionId));
    if (!text.isValid())
        return std::nullopt;
    return QKeySequence::fromString(text.toString(), QKeySequence::PortableText);
}
void StudioSettings::setShortcut(const QString &actionId, const QKeySequence &sequence)
{
    m_settings->setValue(shortcutKey(actionId), sequence.toString(QKeySequence::PortableText));
}
void StudioSettings::resetShortcut(const QString &actionId) { m_settings->remove(shortcutKey(actionId)); }

qint64 StudioSettings::cacheBudgetBytes() const
{
    return std::max<qint64>(0, m_settings->value(kCacheBudget, qint64(768) << 20).toLongLong());
}
void StudioSettings::setCacheBudgetBytes(qint64 bytes) { m_settings->setValue(kCacheBudget, bytes); }

int StudioSettings::displaySize() const
{
    return std::clamp(m_settings->value(kDisplaySize, 1024).toInt(), 64, 8192);
}
void StudioSettings::setDisplaySize(int pixels) { m_settings->setValue(kDisplaySize, pixels); }

qint64 StudioSettings::toleranceMs() const
{
    return std::max<qint64>(0, m_settings->value(kTolerance, qint64(10 * 60 * 1000)).toLongLong());
}
void StudioSettings::setToleranceMs(qint64 ms) { m_settings->setValue(kTolerance, ms); }

qint64 StudioSettings::stepMs() const { return std::max<qint64>(0, m_settings->value(kStep, 0).toLongLong()); }
void StudioSettings::setStepMs(qint64 ms) { m_settings->setValue(kStep, ms); }

double StudioSettings::playbackFps() const
{
    return std::clamp(m_settings->value(kFps, 2.0).toDouble(), 0.1, 60.0);
}
void StudioSettings::setPlaybackFps(double fps) { m_settings->setValue(kFps, fps); }

QString StudioSettings::exportDir() const { return m_settings->value(kExportDir).toString(); }

QString StudioSettings::exportFolder() const
{
    const QString remembered = exportDir();
    return !remembered.isEmpty() && QFileInfo(remembered).isDir() ? remembered : QDir::homePath();
}
void StudioSettings::setExportDir(const QString &dir) { m_settings->setValue(kExportDir, dir); }
bool StudioSettings::exportDataResolution() const { return m_settings->value(kExportDataResolution, false).toBool(); }
void StudioSettings::setExportDataResolution(bool on) { m_settings->setValue(kExportDataResolution, on); }

QString StudioSettings::currentModel() const { return m_settings->value(QStringLiteral("model/current")).toString(); }
void StudioSettings::setCurrentModel(const QString &path) { m_settings->setValue(QStringLiteral("model/current"), path); }

bool StudioSettings::loopPlayback() const { return m_settings->value(kLoop, true).toBool(); }
void StudioSettings::setLoopPlayback(bool loop) { m_settings->setValue(kLoop, loop); }

int StudioSettings::prefetchAhead() const { return std::clamp(m_settings->value(kPrefetchAhead, 2).toInt(), 0, 16); }
int StudioSettings::prefetchBehind() const { return std::clamp(m_settings->value(kPrefetchBehind, 1).toInt(), 0, 16); }
void StudioSettings::setPrefetch(int ahead, int behind)
{
    m_settings->setValue(kPrefetchAhead, ahead);
    m_settings->setValue(kPrefetchBehind, behind);
}

}  // namespace solarchip
