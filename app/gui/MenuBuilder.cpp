#include "app/gui/MenuBuilder.h"

#include "app/gui/ActionRegistry.h"

#include <QAction>
#include <QApplication>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QStyle>
#include <QToolBar>

namespace solarchip {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("solarchip::MenuBuilder", text);
}
QIcon icon(QStyle::StandardPixmap pixmap)
{
    return QApplication::style()->standardIcon(pixmap);
}

// Loop playback: two arrows chasing each other round a rounded rectangle (the styles have no such icon and
// the reload arrow is Rescan's), in the palette's text colour; the icon theme's "media-playlist-repeat" when
// there is one.
QIcon loopIcon()
{
    if (QIcon::hasThemeIcon(QStringLiteral("media-playlist-repeat")))
        return QIcon::fromTheme(QStringLiteral("media-playlist-repeat"));
    QIcon result;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const QColor colour = QApplication::palette().color(QPalette::WindowText);
        const double s = size / 16.0;
        QPen pen(colour, 1.6 * s, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        // Upper run left to right, lower run right to left, joined by rounded ends.
        QPainterPath top;
        top.moveTo(3 * s, 9 * s);
        top.lineTo(3 * s, 6 * s);
        top.quadTo(3 * s, 4 * s, 5 * s, 4 * s);
        top.lineTo(12 * s, 4 * s);
        p.drawPath(top);
        QPainterPath bottom;
        bottom.moveTo(13 * s, 7 * s);
        bottom.lineTo(13 * s, 10 * s);
        bottom.quadTo(13 * s, 12 * s, 11 * s, 12 * s);
        bottom.lineTo(4 * s, 12 * s);
        p.drawPath(bottom);
        p.setPen(Qt::NoPen);
        p.setBrush(colour);
        p.drawPolygon(QPolygonF({QPointF(10 * s, 1.5 * s), QPointF(14 * s, 4 * s), QPointF(10 * s, 6.5 * s)}));
        p.drawPolygon(QPolygonF({QPointF(6 * s, 9.5 * s), QPointF(2 * s, 12 * s), QPointF(6 * s, 14.5 * s)}));
        p.end();
        result.addPixmap(pixmap);
    }
    return result;
}
}  // namespace

void MenuBuilder::registerActions(ActionRegistry &r)
{
    r.add(QStringLiteral("file.openArchive"), tr("&Open archive folder…"), QKeySequence(QStringLiteral("Ctrl+O")),
          icon(QStyle::SP_DirOpenIcon));
    r.add(QStringLiteral("file.openFiles"), tr("Open &files…"), QKeySequence(QStringLiteral("Ctrl+Shift+O")),
          icon(QStyle::SP_FileIcon));
    r.add(QStringLiteral("file.openSample"), tr("Open &sample archive"));
    r.add(QStringLiteral("file.openFlareList"), tr("Open f&lare list (with sites)…"));
    r.add(QStringLiteral("file.rescan"), tr("&Rescan archive"), QKeySequence(QStringLiteral("F5")),
          icon(QStyle::SP_BrowserReload));
    r.add(QStringLiteral("file.cancelIndexing"), tr("&Cancel indexing"), {}, icon(QStyle::SP_BrowserStop));
    r.add(QStringLiteral("file.saveWindowImage"), tr("Save &window image…"),
          QKeySequence(QStringLiteral("Ctrl+Shift+S")));
    r.add(QStringLiteral("file.exportPng"), tr("Export view as &PNG…"), QKeySequence(QStringLiteral("Ctrl+E")));
    r.add(QStringLiteral("file.exportPngPlain"), tr("Export view as PNG &without overlays…"));
    r.add(QStringLiteral("file.exportFits"), tr("Export map as &FITS…"),
          QKeySequence(QStringLiteral("Ctrl+Shift+E")));
    r.add(QStringLiteral("file.exportMovie"), tr("Export &movie (PNG frames, MP4)…"), QKeySequence(QStringLiteral("Ctrl+Shift+M")));
    r.add(QStringLiteral("file.header"), tr("FITS &header of the selected view…"), QKeySequence(QStringLiteral("Ctrl+H")));
    r.add(QStringLiteral("file.quit"), tr("&Quit"), QKeySequence(QStringLiteral("Ctrl+Q")));

    r.add(QStringLiteral("edit.shortcuts"), tr("&Keyboard shortcuts…"));
    r.add(QStringLiteral("edit.preferences"), tr("&Preferences…"), QKeySequence(QStringLiteral("Ctrl+,")));

    r.add(QStringLiteral("view.maps"), tr("&Maps"), QKeySequence(QStringLiteral("Ctrl+1")));
    r.add(QStringLiteral("view.globe"), tr("3D &globe"), QKeySequence(QStringLiteral("Ctrl+2")));
    r.add(QStringLiteral("view.search"), tr("Archive &search (maps and gallery)"), QKeySequence(QStringLiteral("Ctrl+3")));
    r.add(QStringLiteral("view.alignment"), tr("Cross-modal &alignment (AIA ↔ HMI)"), QKeySequence(QStringLiteral("Ctrl+4")));
    r.add(QStringLiteral("view.translation"), tr("HMI → AIA &translation (synthetic)"), QKeySequence(QStringLiteral("Ctrl+5")));
    r.add(QStringLiteral("view.flare"), tr("&Flare forecast (maps, probabilities, attribution)"), QKeySequence(QStringLiteral("Ctrl+6")));
    r.add(QStringLiteral("view.lightcurve"), tr("Light &curve of a region (maps and plot)"), QKeySequence(QStringLiteral("Ctrl+7")));
    r.add(QStringLiteral("view.regions"), tr("NOAA active &regions (maps and table)"), QKeySequence(QStringLiteral("Ctrl+8")));
    r.add(QStringLiteral("view.timedistance"), tr("Time–&distance along a slit (maps and plot)"),
          QKeySequence(QStringLiteral("Ctrl+9")));
    r.add(QStringLiteral("view.diff.none"), tr("&No difference"));
    r.add(QStringLiteral("view.diff.running"), tr("&Running difference (minus the previous observation)"),
          QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    r.add(QStringLiteral("view.diff.base"), tr("&Base difference (minus the first observation)"),
          QKeySequence(QStringLiteral("Ctrl+Shift+B")));
    r.add(QStringLiteral("view.compare.none"), tr("&No comparison"));
    r.add(QStringLiteral("view.compare.settings"), tr("Comparison &settings (opacity, blink interval)…"));
    r.add(QStringLiteral("view.fit"), tr("&Fit to window"));
    r.add(QStringLiteral("view.actualSize"), tr("&Actual size (1:1)"));
    r.add(QStringLiteral("view.overlay.limb"), tr("&Limb"), QKeySequence(QStringLiteral("L")));
    r.add(QStringLiteral("view.overlay.grid"), tr("Heliographic &grid"), QKeySequence(QStringLiteral("G")));
    r.add(QStringLiteral("view.overlay.label"), tr("La&bel"));
    r.add(QStringLiteral("view.overlay.colorbar"), tr("&Colour bar"));
    r.add(QStringLiteral("view.overlay.axes"), tr("&Axes (arcsec)"), QKeySequence(QStringLiteral("A")));
    r.add(QStringLiteral("view.overlay.contours"), tr("HMI c&ontours over the maps"));
    r.add(QStringLiteral("view.overlay.contourLevels"), tr("HMI contour le&vels…"));
    r.add(QStringLiteral("view.overlay.noaaRegions"), tr("&NOAA active regions"));
    r.add(QStringLiteral("view.queryNoaaRegion"), tr("&Query a NOAA region…"), QKeySequence(QStringLiteral("Ctrl+Shift+N")));
    r.add(QStringLiteral("view.overlay.flareEvents"), tr("Flare &events (from a list with sites)"), QKeySequence(QStringLiteral("Ctrl+Shift+L")));
    r.add(QStringLiteral("view.flareEventWindow"), tr("Flare event &window…"));
    r.add(QStringLiteral("view.timelineFlares"), tr("&GOES flares in the timeline"));

    r.add(QStringLiteral("time.first"), tr("&First observation"), QKeySequence(Qt::Key_Home),
          icon(QStyle::SP_MediaSkipBackward));
    r.add(QStringLiteral("time.previousDay"), tr("Previous &day"), QKeySequence(QStringLiteral("Shift+Left")));
    r.add(QStringLiteral("time.back"), tr("Step &back by cadence"), QKeySequence(QStringLiteral("Ctrl+Left")),
          icon(QStyle::SP_MediaSeekBackward));
    r.add(QStringLiteral("time.previous"), tr("&Previous observation"), QKeySequence(Qt::Key_Left),
          icon(QStyle::SP_ArrowLeft));
    r.add(QStringLiteral("time.play"), tr("&Play"), QKeySequence(Qt::Key_Space), icon(QStyle::SP_MediaPlay));
    r.add(QStringLiteral("time.next"), tr("&Next observation"), QKeySequence(Qt::Key_Right),
          icon(QStyle::SP_ArrowRight));
    r.add(QStringLiteral("time.forward"), tr("Step f&orward by cadence"), QKeySequence(QStringLiteral("Ctrl+Right")),
          icon(QStyle::SP_MediaSeekForward));
    r.add(QStringLiteral("time.nextDay"), tr("Next d&ay"), QKeySequence(QStringLiteral("Shift+Right")));
    r.add(QStringLiteral("time.last"), tr("&Last observation"), QKeySequence(Qt::Key_End),
          icon(QStyle::SP_MediaSkipForward));
    r.add(QStringLiteral("time.loop"), tr("&Loop playback"), QKeySequence(QStringLiteral("Ctrl+R")), loopIcon());
    r.add(QStringLiteral("time.dropFrames"), tr("S&kip frames to keep the pace"));
    r.add(QStringLiteral("time.faster"), tr("Play &faster"), QKeySequence(QStringLiteral("]")));
    r.add(QStringLiteral("time.slower"), tr("Play &slower"), QKeySequence(QStringLiteral("[")));
    r.add(QStringLiteral("time.goToDate"), tr("&Go to date…"), QKeySequence(QStringLiteral("Ctrl+D")));
    r.add(QStringLiteral("time.nextFlare"), tr("Next fl&are"), QKeySequence(QStringLiteral("Alt+Right")));
    r.add(QStringLiteral("time.previousFlare"), tr("Previous flar&e"), QKeySequence(QStringLiteral("Alt+Left")));
    r.add(QStringLiteral("time.nextMajorFlare"), tr("Next &M or X flare"), QKeySequence(QStringLiteral("Alt+Shift+Right")));
    r.add(QStringLiteral("time.previousMajorFlare"), tr("Previous M or X fla&re"), QKeySequence(QStringLiteral("Alt+Shift+Left")));

    r.add(QStringLiteral("tools.lowLabelWizard"), tr("&Low-label wizard (flare heads, label-efficiency curve)…"));
}

QMenu *MenuBuilder::buildMenus(QMainWindow *window, const ActionRegistry &r)
{
    auto add = [&r](QMenu *menu, const char *id) { menu->addAction(r.action(QString::fromLatin1(id))); };
    QMenuBar *bar = window->menuBar();

    QMenu *file = bar->addMenu(tr("&File"));
    add(file, "file.openArchive");
    add(file, "file.openFiles");
    add(file, "file.openSample");
    add(file, "file.openFlareList");
    file->addSeparator();
    add(file, "file.rescan");
    add(file, "file.cancelIndexing");
    file->addSeparator();
    add(file, "file.saveWindowImage");
    add(file, "file.exportPng");
    add(file, "file.exportPngPlain");
    add(file, "file.exportFits");
    add(file, "file.exportMovie");
    add(file, "file.header");
    file->addSeparator();
    add(file, "file.quit");

    QMenu *edit = bar->addMenu(tr("&Edit"));
    add(edit, "edit.shortcuts");
    add(edit, "edit.preferences");

    QMenu *view = bar->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("menu.view"));
    add(view, "view.maps");
    add(view, "view.globe");
    add(view, "view.search");
    add(view, "view.alignment");
    add(view, "view.translation");
    add(view, "view.flare");
    add(view, "view.lightcurve");
    add(view, "view.timedistance");
    add(view, "view.regions");
    view->addSeparator();
    QMenu *channels = view->addMenu(tr("&Channels"));
    QMenu *difference = view->addMenu(tr("&Difference"));
    for (const char *id : {"view.diff.none", "view.diff.running", "view.diff.base"})
        add(difference, id);
    // The channel entries of "Blink with" / "Overlay with" follow the archive (MainWindow fills them).
    QMenu *compare = view->addMenu(tr("C&ompare"));
    compare->setObjectName(QStringLiteral("menu.compare"));
    add(compare, "view.compare.none");
    compare->addMenu(tr("&Blink with"))->setObjectName(QStringLiteral("menu.compare.blink"));
    compare->addMenu(tr("&Overlay with"))->setObjectName(QStringLiteral("menu.compare.overlay"));
    compare->addSeparator();
    add(compare, "view.compare.settings");
    view->addSeparator();
    add(view, "view.fit");
    add(view, "view.actualSize");
    view->addSeparator();
    add(view, "view.overlay.limb");
    add(view, "view.overlay.grid");
    add(view, "view.overlay.label");
    add(view, "view.overlay.colorbar");
    add(view, "view.overlay.axes");
    add(view, "view.overlay.contours");
    add(view, "view.overlay.contourLevels");
    add(view, "view.overlay.noaaRegions");
    add(view, "view.queryNoaaRegion");
    add(view, "view.overlay.flareEvents");
    add(view, "view.flareEventWindow");
    view->addSeparator();
    for (const char *id : {"view.timeline", "view.displayPanel"})
        if (QAction *dock = r.action(QString::fromLatin1(id)))
            view->addAction(dock);
    add(view, "view.timelineFlares");

    QMenu *time = bar->addMenu(tr("&Time"));
    for (const char *id : {"time.first", "time.previousDay", "time.back", "time.previous", "time.next",
                           "time.forward", "time.nextDay", "time.last"})
        add(time, id);
    time->addSeparator();
    for (const char *id : {"time.play", "time.loop", "time.dropFrames", "time.faster", "time.slower"})
        add(time, id);
    time->addSeparator();
    add(time, "time.goToDate");
    time->addSeparator();
    for (const char *id : {"time.previousFlare", "time.nextFlare", "time.previousMajorFlare", "time.nextMajorFlare"})
        add(time, id);

    QMenu *tools = bar->addMenu(tr("T&ools"));
    tools->setObjectName(QStringLiteral("menu.tools"));
    add(tools, "tools.lowLabelWizard");
    return channels;
}

QToolBar *MenuBuilder::buildToolBars(QMainWindow *window, const ActionRegistry &r)
{
    QToolBar *file = window->addToolBar(tr("File"));
    file->setObjectName(QStringLiteral("toolbar.file"));
    file->addAction(r.action(QStringLiteral("file.openArchive")));
    file->addAction(r.action(QStringLiteral("file.openFiles")));

    QToolBar *time = window->addToolBar(tr("Time"));
    time->setObjectName(QStringLiteral("toolbar.time"));
    for (const char *id : {"time.first", "time.back", "time.previous", "time.play", "time.next", "time.forward",
                           "time.last"})
        time->addAction(r.action(QString::fromLatin1(id)));
    time->addSeparator();
    time->addAction(r.action(QStringLiteral("time.loop")));
    return time;
}

}  // namespace solarchip
