#include "app/gui/StudioOptions.h"

#include "app/gui/ContourController.h"

#include "core/base/NumberPair.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>
#include <cstdio>

namespace solarchip {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("solarchip::StudioOptions", text);
}

StudioOptionsResult failWith(int code, const QString &message)
{
    std::fprintf(stderr, "solarchip-studio: %s\n", qPrintable(message));
    return {std::nullopt, code};
}

}  // namespace

QStringList withoutQtOptions(const QStringList &arguments)
{
    static const QStringList withValue = {
        QStringLiteral("-platform"),      QStringLiteral("-platformpluginpath"), QStringLiteral("-platformtheme"),
        QStringLiteral("-plugin"),        QStringLiteral("-qwindowgeometry"),    QStringLiteral("-qwindowtitle"),
        QStringLiteral("-qwindowicon"),   QStringLiteral("-display"),            QStringLiteral("-geometry"),
        QStringLiteral("-session"),       QStringLiteral("-style"),              QStringLiteral("-stylesheet"),
        QStringLiteral("-title")};
    static const QStringList flags = {QStringLiteral("-reverse"), QStringLiteral("-widgetcount"),
                                      QStringLiteral("-nograb"), QStringLiteral("-dograb"), QStringLiteral("-sync")};
    QStringList out;
    for (int i = 0; i < arguments.size(); ++i) {
        QString a = arguments[i];
        if (i > 0 && a.startsWith(QLatin1String("--")))
            a.remove(0, 1);  // Qt takes -platform and --platform alike
        const QString name = a.section(QLatin1Char('='), 0, 0);
        if (i > 0 && withValue.contains(name)) {
            if (!a.contains(QLatin1Char('=')))
                ++i;  // skip the value
            continue;
        }
        if (i > 0 && (flags.contains(a) || a.startsWith(QLatin1String("-qmljsdebugger="))))
            continue;
        out << arguments[i];
    }
    return out;
}

StudioOptionsResult parseStudioOptions(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("SolarCHIP Studio: browse SDO archives by date and view AIA/HMI maps."));
    parser.addHelpOption();
    const QCommandLineOption archive({QStringLiteral("a"), QStringLiteral("archive")},
                                     tr("Open this archive folder."), tr("DIR"));
    const QCommandLineOption sample(QStringLiteral("sample"),
                                    tr("Open the bundled sample archive (generated on first use)."));
    const QCommandLineOption contours(QStringLiteral("contours"),
                                      tr("Draw the HMI magnetogram's contours (-500, -100, +100, +500 G) over the maps "
                                         "on its grid (View > HMI contours)."));
    const QCommandLineOption contourLevels(QStringLiteral("contour-levels"),
                                           tr("The HMI contours' levels in Gauss, e.g. -1000,-200,200,1000 (View > HMI "
                                              "contour levels; default -500,-100,100,500)."),
                                           tr("LIST"));
    const QCommandLineOption noaaRegions(QStringLiteral("noaa-regions"),
                                         tr("Label the maps with the NOAA active regions of the Solar Region Summaries "
                                            "(*SRS.txt) found with the data (View > NOAA active regions)."));
    const QCommandLineOption queryNoaa(QStringLiteral("query-noaa"),
                                       tr("Query NOAA active region N where the Solar Region Summaries put it on the "
                                          "map (as a click there; View > Query a NOAA region)."),
                                       tr("N"));
    const QCommandLineOption flareEvents(QStringLiteral("flare-events"),
                                         tr("Mark the flares of a flare list with sites (the cycle-24 list, a HEK export, "
                                            "the synthetic archive's flarelist_sites_*.csv) at their sites on the maps "
                                            "(View > Flare events)."));
    const QCommandLineOption flareList(QStringLiteral("flare-list"),
                                       tr("The flare list with sites View > Flare events marks (File > Open flare list; "
                                          "default: the one at the top of the archive folder). Implies --flare-events."),
                                       tr("FILE"));
    const QCommandLineOption flareWindow(QStringLiteral("flare-window-hours"),
                                         tr("Mark the flares peaking within this many hours either side of each map's "
                                            "time (View > Flare event window; default 6)."),
                                         tr("H"));
    const QCommandLineOption date({QStringLiteral("d"), QStringLiteral("date")},
                                  tr("Go to the observation nearest this UTC time (ISO 8601)."), tr("ISO"));
    const QCommandLineOption channel({QStringLiteral("c"), QStringLiteral("channel")},
                                     tr("Show this channel (171, 193, hmi, ...)."), tr("NAME"));
    const QCommandLineOption view(QStringLiteral("view"),
                                  tr("Start in the map grid, the 3D globe, the cross-modal alignment view, the "
                                     "archive search gallery, the training panel, the HMI → AIA translation view, the flare forecast panel, the light curve of the region clicked (--query-hpc), the time-distance plot along a slit (--slit), or the maps labelled with the NOAA active regions beside their table (regions); wizard: the low-label wizard over the maps; header: the FITS header of the selected map (File > FITS header)."),
                                  tr("map|globe|alignment|search|training|translation|flare|lightcurve|timedistance|regions|wizard|header"));
    const QCommandLineOption translator(QStringLiteral("translator"),
                                        tr("The translation view uses this translator run folder (`solarchip "
                                           "translate-train --out RUN`) instead of the saved one or the shipped "
                                           "default."),
                                        tr("RUN"));
    const QCommandLineOption translateChannel(QStringLiteral("translate-channel"),
                                              tr("The AIA channel the translation view makes (171, 193, ...)."),
                                              tr("C"));
    const QCommandLineOption translateSamples(QStringLiteral("translate-samples"),
                                              tr("Samples the translation view averages (mean and spread)."), tr("N"));
    const QCommandLineOption translateSeed(QStringLiteral("translate-seed"),
                                           tr("The translation view's first sample's seed."), tr("S"));
    const QCommandLineOption flareHead(QStringLiteral("flare-head"),
                                       tr("Use this flare head (a solarchip flare-train run folder) in the flare panel "
                                          "for this run, instead of the saved one."),
                                       tr("RUN"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   tr("Use this SolarCHIP model (.safetensors) for heatmaps and search instead of the "
                                      "current one."),
                                   tr("FILE"));
    const QCommandLineOption queryHpc(QStringLiteral("query-hpc"),
                                      tr("Query the model cell at these helioprojective coordinates in arcsec, as a "
                                         "click there would (write --query-hpc=X,Y when X is negative)."),
                                      tr("X,Y"));
    const QCommandLineOption queryBox(QStringLiteral("query-box"),
                                      tr("With --query-hpc: query the mean of the cells in a box of this size in "
                                         "arcsec, as a box drag would."),
                                      tr("W,H"));
    const QCommandLineOption slit(QStringLiteral("slit"),
                                  tr("A Shift+drag on the first map from (X0, Y0) to (X1, Y1) helioprojective arcsec: the "
                                     "time-distance view's slit, the box it spans for the other views (write "
                                     "--slit=X0,Y0,X1,Y1 when X0 is negative)."),
                                  tr("X0,Y0,X1,Y1"));
    const QCommandLineOption difference(QStringLiteral("difference"),
                                        tr("Show running or base difference images."), tr("none|running|base"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        tr("Once everything is loaded, write the window as PNG and exit."),
                                        tr("PNG"));
    const QCommandLineOption stateJson(QStringLiteral("state-json"),
                                       tr("Once everything is loaded, write the window's state (time, views, display "
                                          "settings, selection, linked groups) as JSON; exits afterwards like "
                                          "--screenshot."),
                                       tr("FILE"));
    const QCommandLineOption windowSize(QStringLiteral("window-size"), tr("Window size in pixels."), tr("WxH"));
    const QCommandLineOption settings(QStringLiteral("settings"),
                                      tr("Use this settings file instead of the user's (INI format)."),
                                      tr("INI"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     tr("Scripted runs fail after this many seconds (default 600)."),
                                     tr("S"));
    const QCommandLineOption bench(QStringLiteral("bench-stepping"),
                                   tr("Benchmark: step through the archive, measure step latency and UI stalls."));
    const QCommandLineOption steps(QStringLiteral("steps"), tr("Benchmark steps (default 40)."), tr("N"));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      tr("Benchmark pause between steps in ms (default 250)."), tr("MS"));
    const QCommandLineOption fps(QStringLiteral("fps"), tr("Benchmark playback rate in frames per second (default 10)."),
                                 tr("F"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Benchmark results as JSON."));
    const QCommandLineOption exportMovie(QStringLiteral("export-movie"),
                                         tr("Once everything is loaded, export a movie (File > Export movie) from the time "
                                            "shown (--date) to --movie-to into this folder as NAME_0001.png... with "
                                            "NAME_frames.csv (and NAME.mp4 when ffmpeg is installed), then exit."),
                                         tr("DIR"));
    const QCommandLineOption movieTo(QStringLiteral("movie-to"), tr("--export-movie: the last time (ISO, UTC; default: a day on)."), tr("ISO"));
    const QCommandLineOption movieFrames(QStringLiteral("movie-frames"),
                                         tr("--export-movie: each frame is the selected view with or without overlays, or "
                                            "every view as on screen (default view)."),
                                         tr("view|view-plain|all"));
    const QCommandLineOption movieDataResolution(QStringLiteral("movie-data-resolution"),
                                                 tr("--export-movie: one image pixel per map pixel (default: the view's size)."));
    const QCommandLineOption movieStep(QStringLiteral("movie-step"),
                                       tr("--export-movie: a frame per observation or per playback step (default observation)."),
                                       tr("observation|cadence"));
    const QCommandLineOption movieName(QStringLiteral("movie-name"), tr("--export-movie: the file name stem (default movie)."), tr("NAME"));
    const QCommandLineOption movieFps(QStringLiteral("movie-fps"), tr("--export-movie: the MP4's frame rate (default 10)."), tr("F"));
    parser.addOptions({exportMovie, movieTo, movieFrames, movieDataResolution, movieStep, movieName, movieFps});
    parser.addOptions({translator, translateChannel, translateSamples, translateSeed});
    parser.addOptions({flareEvents, flareList, flareWindow});
    parser.addOptions({archive, sample, contours, contourLevels, noaaRegions, queryNoaa, date, channel, view, flareHead, model, queryHpc, queryBox, slit, difference, screenshot, stateJson, windowSize, settings, timeout, bench, steps,
                       interval, fps, json});
    parser.addPositionalArgument(tr("files"), tr("FITS or Helioviewer .jp2 maps to open."), tr("[FILE...]"));

    if (!parser.parse(arguments))
        return failWith(2, parser.errorText());
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        // Parsed before QApplication exists, so the parser does not know the program's name.
        QString help = parser.helpText();
        help.replace(QStringLiteral("<executable_name>"), QStringLiteral("solarchip-studio"));
        std::fputs(qPrintable(help), stdout);
        return {std::nullopt, 0};
    }

    StudioOptions o;
    if (parser.isSet(archive)) {
        const QFileInfo fi(parser.value(archive));
        if (!fi.exists())
            return failWith(1, tr("%1: no such folder").arg(parser.value(archive)));
        if (!fi.isDir())
            return failWith(1, tr("%1: not a folder").arg(parser.value(archive)));
        o.archive = fi.absoluteFilePath();
    }
    o.sample = parser.isSet(sample);
    for (const QString &f : parser.positionalArguments()) {
        const QFileInfo fi(f);
        if (!fi.exists())
            return failWith(1, tr("%1: no such file").arg(f));
        o.files << fi.absoluteFilePath();
    }
    if (int(!o.archive.isEmpty()) + int(o.sample) + int(!o.files.isEmpty()) > 1)
        return failWith(2, tr("give one of --archive, --sample or files, not several"));
    if (parser.isSet(date)) {
        o.date = SdoTime::parseUserTime(parser.value(date));
        if (!o.date)
            return failWith(2, tr("--date: '%1' is not a date/time (use ISO 8601, e.g. 2011-06-07T12:00)")
                                   .arg(parser.value(date)));
    }
    if (parser.isSet(channel)) {
        o.channel = canonicalChannel(parser.value(channel));
        if (o.channel.isEmpty())
            return failWith(2, tr("--channel: '%1' names no SDO channel (known: %2)")
                                   .arg(parser.value(channel), knownChannels().join(QStringLiteral(", "))));
    }
    o.contours = parser.isSet(contours);
    o.noaaRegions = parser.isSet(noaaRegions);
    o.flareEvents = parser.isSet(flareEvents) || parser.isSet(flareList);
    if (parser.isSet(flareList)) {
        const QFileInfo fi(parser.value(flareList));
        if (!fi.isFile())
            return failWith(2, tr("--flare-list: '%1': no such file").arg(parser.value(flareList)));
        o.flareList = fi.absoluteFilePath();
    }
    if (parser.isSet(flareWindow)) {
        bool ok = false;
        const double h = parser.value(flareWindow).toDouble(&ok);
        if (!ok || !std::isfinite(h) || h < 0 || h > 240)
            return failWith(2, tr("--flare-window-hours: '%1' is not a number of hours from 0 to 240").arg(parser.value(flareWindow)));
        o.flareWindowHours = h;
    }
    if (parser.isSet(queryNoaa)) {
        bool ok = false;
        const int n = parser.value(queryNoaa).toInt(&ok);
        if (!ok || n <= 0)
            return failWith(2, tr("--query-noaa: '%1' is not a NOAA region number (e.g. 11158)").arg(parser.value(queryNoaa)));
        if (parser.isSet(queryHpc))
            return failWith(2, tr("--query-noaa and --query-hpc both place the query: give one"));
        o.queryNoaa = n;
    }
    if (parser.isSet(contourLevels)) {
        o.contourLevels = parser.value(contourLevels);
        QString error;
        if (!ContourController::parseLevels(o.contourLevels, &error))
            return failWith(2, tr("--contour-levels: %1").arg(error));
    }
    if (parser.isSet(view)) {
        o.view = parser.value(view).toLower();
        static const QStringList views{QStringLiteral("map"), QStringLiteral("globe"), QStringLiteral("alignment"),
                                       QStringLiteral("search"), QStringLiteral("training"), QStringLiteral("translation"), QStringLiteral("flare"),
                                       QStringLiteral("lightcurve"), QStringLiteral("timedistance"), QStringLiteral("regions"), QStringLiteral("wizard"),
                                       QStringLiteral("header")};
        if (!views.contains(o.view))
            return failWith(2, tr("--view: '%1' is not one of %2").arg(parser.value(view), views.join(QLatin1Char('|'))));
    }
    if (parser.isSet(translator)) {
        const QFileInfo fi(parser.value(translator));
        if (!fi.isDir())
            return failWith(1, tr("%1: no such translator run folder").arg(parser.value(translator)));
        o.translator = fi.absoluteFilePath();
    }
    if (parser.isSet(translateChannel)) {
        o.translateChannel = canonicalChannel(parser.value(translateChannel));
        if (o.translateChannel.isEmpty() || o.translateChannel.startsWith(QLatin1String("hmi")))
            return failWith(2, tr("--translate-channel: '%1' names no AIA channel").arg(parser.value(translateChannel)));
    }
    if (parser.isSet(translateSamples)) {
        bool ok = false;
        o.translateSamples = parser.value(translateSamples).toInt(&ok);
        if (!ok || o.translateSamples < 1 || o.translateSamples > 64)
            return failWith(2, tr("--translate-samples: '%1' is not a number of samples from 1 to 64")
                                   .arg(parser.value(translateSamples)));
    }
    if (parser.isSet(translateSeed)) {
        bool ok = false;
        const qulonglong seed = parser.value(translateSeed).toULongLong(&ok);
        if (!ok || seed > 1000000000ULL)
            return failWith(2, tr("--translate-seed: '%1' is not a seed from 0 to 1000000000").arg(parser.value(translateSeed)));
        o.translateSeed = seed;
    }
    if (parser.isSet(flareHead)) {
        const QFileInfo fi(parser.value(flareHead));
        if (!QFileInfo(fi.absoluteFilePath() + QStringLiteral("/head.json")).isFile())
            return failWith(1, tr("%1: not a flare head (no head.json in it; see solarchip flare-train --out)")
                                   .arg(parser.value(flareHead)));
        o.flareHead = fi.absoluteFilePath();
    }
    if (parser.isSet(model)) {
        const QFileInfo fi(parser.value(model));
        if (!fi.isFile())
            return failWith(1, tr("%1: no such model file").arg(parser.value(model)));
        o.model = fi.absoluteFilePath();
    }
    auto pair = [&](const QCommandLineOption &opt) { return parseNumberPair(parser.value(opt)); };
    if (parser.isSet(queryHpc)) {
        o.queryHpc = pair(queryHpc);
        if (!o.queryHpc)
            return failWith(2, tr("--query-hpc: '%1' is not X,Y in arcsec (e.g. --query-hpc=-250.5,310)")
                                   .arg(parser.value(queryHpc)));
    }
    if (parser.isSet(queryBox)) {
        const auto wh = pair(queryBox);
        if (!wh || wh->x() <= 0 || wh->y() <= 0)
            return failWith(2, tr("--query-box: '%1' is not W,H in arcsec (both positive)").arg(parser.value(queryBox)));
        if (!o.queryHpc)
            return failWith(2, tr("--query-box needs --query-hpc (the box's centre)"));
        o.queryBox = QSizeF(wh->x(), wh->y());
    }
    if (parser.isSet(slit)) {
        const QStringList parts = parser.value(slit).split(QLatin1Char(','));
        double v[4] = {0, 0, 0, 0};
        bool ok = parts.size() == 4;
        for (int i = 0; ok && i < 4; ++i) {
            v[i] = parts[i].trimmed().toDouble(&ok);
            ok = ok && std::isfinite(v[i]);
        }
        if (!ok)
            return failWith(2, tr("--slit: '%1' is not X0,Y0,X1,Y1 in arcsec (e.g. --slit=-300,100,-100,250)")
                                   .arg(parser.value(slit)));
        if (v[0] == v[2] && v[1] == v[3])
            return failWith(2, tr("--slit: its two ends are the same point"));
        if (o.queryHpc)
            return failWith(2, tr("--slit and --query-hpc both place the query: give one"));
        o.slit = QLineF(v[0], v[1], v[2], v[3]);
    }
    if (parser.isSet(difference)) {
        o.difference = parser.value(difference).toLower();
        if (o.difference != QLatin1String("none") && o.difference != QLatin1String("running")
            && o.difference != QLatin1String("base"))
            return failWith(2, tr("--difference: '%1' is not none, running or base").arg(parser.value(difference)));
    }
    if (parser.isSet(screenshot)) {
        const QFileInfo fi(parser.value(screenshot));
        if (!fi.absoluteDir().exists())
            return failWith(1, tr("%1: the folder for the screenshot does not exist").arg(parser.value(screenshot)));
        o.screenshot = fi.absoluteFilePath();
    }
    if (parser.isSet(stateJson)) {
        const QFileInfo fi(parser.value(stateJson));
        if (!fi.absoluteDir().exists())
            return failWith(1, tr("%1: the folder for the state file does not exist").arg(parser.value(stateJson)));
        o.stateJson = fi.absoluteFilePath();
    }
    if (parser.isSet(windowSize)) {
        static const QRegularExpression re(QStringLiteral("^(\\d+)[xX](\\d+)$"));
        const auto m = re.match(parser.value(windowSize));
        if (!m.hasMatch() || m.captured(1).toInt() < 200 || m.captured(2).toInt() < 150)
            return failWith(2, tr("--window-size: '%1' is not WxH (at least 200x150)").arg(parser.value(windowSize)));
        o.windowSize = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    }
    o.settingsFile = parser.value(settings);
    auto positiveInt = [&](const QCommandLineOption &opt, int &out) {
        if (!parser.isSet(opt))
            return true;
        bool ok = false;
        const int v = parser.value(opt).toInt(&ok);
        if (!ok || v <= 0)
            return false;
        out = v;
        return true;
    };
    if (!positiveInt(timeout, o.timeoutS))
        return failWith(2, tr("--timeout: '%1' is not a positive number of seconds").arg(parser.value(timeout)));
    o.benchStepping = parser.isSet(bench);
    if (!positiveInt(steps, o.benchSteps))
        return failWith(2, tr("--steps: '%1' is not a positive number").arg(parser.value(steps)));
    if (!positiveInt(interval, o.benchIntervalMs))
        return failWith(2, tr("--interval: '%1' is not a positive number of ms").arg(parser.value(interval)));
    if (parser.isSet(fps)) {
        bool ok = false;
        o.benchFps = parser.value(fps).toDouble(&ok);
        if (!ok || o.benchFps < 0.1 || o.benchFps > 60)
            return failWith(2, tr("--fps: '%1' is not a rate between 0.1 and 60").arg(parser.value(fps)));
    }
    o.json = parser.isSet(json);
    if (parser.isSet(exportMovie)) {
        o.exportMovie = QFileInfo(parser.value(exportMovie)).absoluteFilePath();
        if (parser.isSet(movieTo)) {
            o.movieTo = SdoTime::parseUserTime(parser.value(movieTo));
            if (!o.movieTo)
                return failWith(2, tr("--movie-to: '%1' is not a date/time (use ISO 8601, e.g. 2011-06-07T18:00)").arg(parser.value(movieTo)));
        }
        o.movieFrames = parser.isSet(movieFrames) ? parser.value(movieFrames) : QStringLiteral("view");
        if (!QStringList{QStringLiteral("view"), QStringLiteral("view-plain"), QStringLiteral("all")}.contains(o.movieFrames))
            return failWith(2, tr("--movie-frames must be view, view-plain or all"));
        o.movieStep = parser.isSet(movieStep) ? parser.value(movieStep) : QStringLiteral("observation");
        if (o.movieStep != QLatin1String("observation") && o.movieStep != QLatin1String("cadence"))
            return failWith(2, tr("--movie-step must be observation or cadence"));
        o.movieDataResolution = parser.isSet(movieDataResolution);
        if (parser.isSet(movieName))
            o.movieName = parser.value(movieName);
        if (parser.isSet(movieFps)) {
            bool ok = false;
            o.movieFps = parser.value(movieFps).toDouble(&ok);
            if (!ok || o.movieFps < 0.5 || o.movieFps > 60)
                return failWith(2, tr("--movie-fps: '%1' is not a rate between 0.5 and 60").arg(parser.value(movieFps)));
        }
        if (o.benchStepping)
            return failWith(2, tr("--export-movie and --bench-stepping: give one"));
    } else if (parser.isSet(movieTo) || parser.isSet(movieFrames) || parser.isSet(movieStep) || parser.isSet(movieDataResolution)
               || parser.isSet(movieName) || parser.isSet(movieFps)) {
        return failWith(2, tr("the --movie-* options go with --export-movie DIR"));
    }
    if (o.benchStepping && !o.files.isEmpty())
        return failWith(2, tr("--bench-stepping needs an archive (--archive or --sample), not files"));
    return {o, 0};
}

}  // namespace solarchip
