#pragma once
// The command line of solarchip-studio (the scripting hook of the GUI):
//   solarchip-studio [--archive DIR | --sample | FILE...] [--date ISO] [--channel NAME]
//                    [--view map|globe|alignment|search|training|translation|flare|wizard] [--model FILE] [--query-hpc=X,Y [--query-box=W,H]]
//                    [--translator RUN] [--translate-channel C] [--translate-samples N] [--translate-seed S]
//                    [--flare-head RUN]
//                    [--difference none|running|base] [--screenshot PNG] [--state-json FILE]
//                    [--window-size WxH] [--settings INI]
//                    [--timeout S]
//                    [--bench-stepping [--steps N] [--interval MS] [--fps F] [--json]]
//                    [--export-movie DIR [--movie-to ISO] [--movie-frames view|view-plain|all] [--movie-step observation|cadence]
//                     [--movie-data-resolution] [--movie-name NAME] [--movie-fps F]]
// Parsing checks everything that can be checked without the archive (date syntax, channel and view names,
// existence of the archive folder) so a typo fails at once with a message and exit code 2 (usage) or 1.

#include <QDateTime>
#include <QLineF>
#include <QPointF>
#include <QSizeF>
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace solarchip {

struct StudioOptions {
    QString archive;             // --archive DIR (absolute)
    bool sample = false;         // --sample: the bundled sample archive
    bool contours = false;       // --contours: View > HMI contours on (also remembered)
    bool noaaRegions = false;    // --noaa-regions: View > NOAA active regions on (also remembered)
    std::optional<int> queryNoaa; // --query-noaa=N: View > Query a NOAA region N once the maps are in
    bool flareEvents = false;    // --flare-events: View > Flare events on (also remembered)
    QString flareList;           // --flare-list FILE (absolute): File > Open flare list (with sites)
    std::optional<double> flareWindowHours;  // --flare-window-hours H: View > Flare event window (also remembered)
    QString contourLevels;       // --contour-levels LIST: their levels in Gauss (also remembered)
    QStringList files;           // positional: map files to open
    std::optional<QDateTime> date;  // --date (UTC)
    QString channel;             // --channel, canonical key
    QString view;                // --view "map" / "globe" / "alignment" / "search" / "training" / "translation" / "flare" / "wizard" (empty: the saved choice)
    QString flareHead;           // --flare-head RUN (absolute): the flare head for this run (not saved)
    QString model;               // --model FILE (absolute; empty: the app's current model, else the embedded default)
    std::optional<QPointF> queryHpc;  // --query-hpc=X,Y: a click at these helioprojective arcsec (Tx, Ty)
    std::optional<QSizeF> queryBox;   // --query-box=W,H: a box of this size in arcsec centred there (mean of its cells)
    std::optional<QLineF> slit;       // --slit=X0,Y0,X1,Y1: a Shift+drag from (X0, Y0) to (X1, Y1) arcsec (the
                                      // time-distance view's slit; the box it spans for the other views)
    std::optional<QString> translator;  // --translator RUN (absolute folder; "" never: the default is the saved choice)
    QString translateChannel;    // --translate-channel: the translation view's AIA channel (canonical key)
    int translateSamples = 0;    // --translate-samples N (0: the saved choice)
    std::optional<quint64> translateSeed;  // --translate-seed S
    QString difference;          // --difference "none" / "running" / "base" (empty: none)
    QString screenshot;          // --screenshot PNG (absolute)
    QString stateJson;           // --state-json FILE (absolute): the window's state once settled (WindowState)
    QSize windowSize;            // --window-size (invalid: saved geometry, or 1400x900 for screenshots)
    QString settingsFile;        // --settings INI (empty: the user's settings)
    int timeoutS = 600;          // --timeout: scripted runs give up after this long
    bool benchStepping = false;  // --bench-stepping
    int benchSteps = 40;         // --steps
    int benchIntervalMs = 250;   // --interval: pause between steps (a user pressing an arrow key)
    double benchFps = 10;        // --fps: the playback rate the benchmark asks for
    bool json = false;           // --json
    QString exportMovie;         // --export-movie DIR (absolute): a movie from the time shown, then exit
    std::optional<QDateTime> movieTo;  // --movie-to (default: a day after the time shown)
    QString movieFrames;         // --movie-frames view|view-plain|all
    QString movieStep;           // --movie-step observation|cadence
    bool movieDataResolution = false;  // --movie-data-resolution
    QString movieName = QStringLiteral("movie");  // --movie-name
    double movieFps = 10;        // --movie-fps

    bool isScripted() const { return !screenshot.isEmpty() || !stateJson.isEmpty() || benchStepping || !exportMovie.isEmpty(); }
    /// A run that waits until everything is loaded, exports the movie, writes the screenshot and/or the state, and exits.
    bool isCaptureRun() const { return !screenshot.isEmpty() || !stateJson.isEmpty() || !exportMovie.isEmpty(); }
};

/// Parsed options, or the exit code to return right away (after the message was printed; 0 for --help).
struct StudioOptionsResult {
    std::optional<StudioOptions> options;
    int exitCode = 0;
};
StudioOptionsResult parseStudioOptions(const QStringList &arguments);
/// The arguments without the options QApplication itself consumes (-platform X, -style X, -reverse...), so
/// ours can be checked before the application (and a display) exists: --help and usage errors then work
/// anywhere.
QStringList withoutQtOptions(const QStringList &arguments);

}  // namespace solarchip
