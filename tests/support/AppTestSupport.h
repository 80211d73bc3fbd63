#pragma once
// Helpers for the app tests that open a MainWindow on a fixture archive (header-only: the app tests include it).

#include "app/gui/MainWindow.h"
#include "app/gui/StudioSettings.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>
#include <QTest>

#include <memory>

namespace solarchip::test {

/// Writes tests/reference/time_distance.py's fixture into `dir`: `frames` AIA 171 files 12 s apart (written by
/// astropy) holding a ridge across x moving at `speedKmS` on the plane of the sky. Returns the ridge's speed in
/// arcsec/s (from the script), or a negative number with `error` set.
inline double writeRidgeFixture(const QString &dir, int frames, double speedKmS, QString *error)
{
    const ProcessResult made = runPython(QStringLiteral("time_distance.py"),
                                         {QStringLiteral("fixture"), dir, QString::number(frames), QString::number(speedKmS)});
    if (made.exitCode != 0) {
        *error = QString::fromUtf8(made.err);
        return -1;
    }
    return parseJson(made.out).object().value(QStringLiteral("arcsec_per_s")).toDouble(-1);
}

/// A main window for tests (not interactive: no modal message boxes) of `size`, shown, with `archive` opened;
/// false when the window was not exposed or the archive's first set did not settle within a minute.
inline bool openTestWindow(std::unique_ptr<MainWindow> &window, StudioSettings *settings, const QString &archive, QSize size)
{
    window = std::make_unique<MainWindow>(settings);
    window->setInteractive(false);
    window->resize(size);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return false;
    window->openArchive(archive);
    const auto ready = [&] { return window->isSettled() && window->grid()->view(0) && window->grid()->view(0)->map(); };
    QElapsedTimer clock;
    clock.start();
    while (!ready() && clock.elapsed() < 60000)
        QTest::qWait(20);
    return ready();
}

}  // namespace solarchip::test
