#pragma once
// Everything solarchip-studio remembers between runs, in one QSettings file: the last archive, the window
// geometry and dock layout, the display settings (stretch, limits, colormap) chosen per channel, shortcuts,
// the map-cache budget and the time-stepping preferences. Tests and scripted runs point it at a scratch
// file (StudioSettings(path), or `solarchip-studio --settings FILE`) so they never touch the user's settings.

#include "core/map/DisplayLimits.h"

#include <QByteArray>
#include <QKeySequence>
#include <QString>

#include <memory>
#include <optional>

class QSettings;

namespace solarchip {

class StudioSettings {
public:
    /// `iniPath` empty: the user's settings (QSettings with the organisation and application names).
    explicit StudioSettings(const QString &iniPath = {});
    ~StudioSettings();

    QString fileName() const;
    QSettings &raw() { return *m_settings; }
    void sync();

    QString lastArchive() const;
    void setLastArchive(const QString &dir);

    /// The time last shown in an archive (ms since the epoch, UTC), if it was the last archive viewed.
    std::optional<qint64> lastTimeMs(const QString &archiveDir) const;
    void setLastTime(const QString &archiveDir, qint64 timeMs);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    /// QMainWindow::saveState(): toolbars and docks.
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    /// "map" or "globe".
    QString viewMode() const;
    /// The view mode as it was saved (any mode; viewMode() restores only map and globe).
    QString savedViewMode() const;
    void setViewMode(const QString &mode);

    /// The display settings chosen for a channel, if the user changed them from the defaults. `channel` is a
    /// displaySettingsKey (core/map/DisplayLimits.h): Helioviewer bytes of a channel are remembered apart.
    std::optional<DisplaySettings> displaySettings(const QString &channel) const;
    void setDisplaySettings(const QString &channel, const DisplaySettings &settings);
    void clearDisplaySettings(const QString &channel);
    /// The display a map is shown with: its channel's remembered choice (displaySettingsKey; manual limits
    /// only where the map's unit is the one they were chosen in, displaySettingsForMap), else its default.
    DisplaySettings displayFor(const MapMeta &meta) const;
    /// The remembered choice for a map's channel as it applies to this map (nullopt: never changed).
    std::optional<DisplaySettings> savedDisplayFor(const MapMeta &meta) const;
    /// Remembers `settings` chosen on a map for its channel (manual limits with the map's unit).
    void rememberDisplayFor(const MapMeta &meta, const DisplaySettings &settings);

    /// Whether a map overlay ("limb", "grid", "label", "colorbar") is shown; nullopt: never changed.
    std::optional<bool> overlayVisible(const QString &id) const;
    void setOverlayVisible(const QString &id, bool visible);

    /// View > Compare: opacity of the comparison map in overlay mode (0..1, default 0.5) and the blink
    /// interval (ms, default 500).
    double compareOpacity() const;
    void setCompareOpacity(double opacity);
    int blinkIntervalMs() const;
    void setBlinkIntervalMs(int ms);

    /// A user-chosen shortcut for an action id; nullopt when never changed (the default applies). An empty
    /// sequence means the user removed the shortcut.
    std::optional<QKeySequence> shortcut(const QString &actionId) const;
    void setShortcut(const QString &actionId, const QKeySequence &sequence);
    void resetShortcut(const QString &actionId);

    /// Memory the cache of prepared maps may use (default 768 MiB).
    qint64 cacheBudgetBytes() const;
    void setCacheBudgetBytes(qint64 bytes);
    /// Largest side of the frame maps are prepared to for display (default 1024 px).
    int displaySize() const;
    void setDisplaySize(int pixels);
    /// Co-temporal tolerance: channels within this of the current time belong to its set (default 10 min).
    qint64 toleranceMs() const;
    void setToleranceMs(qint64 ms);
    /// Step for "step by cadence" in ms; 0 = the archive's own cadence (default).
    qint64 stepMs() const;
    void setStepMs(qint64 ms);
    double playbackFps() const;  // default 2
    void setPlaybackFps(double fps);
    bool loopPlayback() const;   // default true
    void setLoopPlayback(bool loop);
    /// Times ahead of / behind the current one prefetched into the cache (default 2 / 1).
    int prefetchAhead() const;
    int prefetchBehind() const;
    void setPrefetch(int ahead, int behind);

    /// The folder exports were last saved in (empty: none yet).
    QString exportDir() const;
    /// Where a save dialog starts: exportDir() while it is a folder, else the home folder.
    QString exportFolder() const;
    void setExportDir(const QString &dir);
    /// PNG export at data resolution (one image pixel per map pixel) rather than the view's size.
    bool exportDataResolution() const;
    void setExportDataResolution(bool on);

    /// The app's current model file ("use this model" in the training panel; key model/current). Empty: the
    /// shipped default. --model overrides it for one start.
    QString currentModel() const;
    void setCurrentModel(const QString &path);

private:
    std::unique_ptr<QSettings> m_settings;
};

}  // namespace solarchip
