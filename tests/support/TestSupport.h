#pragma once
// Helpers shared by every Qt Test executable: where the real SDO files are, where the built binaries are,
// how to call the independent Python references (astropy, sunpy, PyTorch from Debian), and scratch folders.

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace solarchip::test {

/// ../shared/sdo next to the project root (or $SOLARCHIP_SDO_DIR); empty if it does not exist.
QString sdoDir();
/// A file under sdoDir(), e.g. sdoFile("fits/aia_171_cutout.fits").
QString sdoFile(const QString &relative);
/// The project source root and the build folder (for build/bin/solarchip and friends).
QString sourceDir();
QString binaryDir();
/// build/bin/<name>
QString binPath(const QString &name);
/// A model fixed for tests of geometry and plumbing: an untrained CNN of the first shipped default's geometry (HMI +
/// AIA 171, 256 px input, 16x16 cells, GAP CLS) written at a fixed seed at build time (build/tests/data/,
/// tests/support/make_fixture_model.cpp). Tests that pin cells, peaks or frames use it so they do not change when
/// models/default is retrained; tests of the shipped model use that.
QString fixtureModelPath();
/// /usr/bin/python3 (Debian's, with astropy, sunpy, torch).
QString python3();

struct ProcessResult {
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
};
/// Runs a program to completion (timeout in ms) and captures its output.
ProcessResult run(const QString &program, const QStringList &args, int timeoutMs = 600000,
                  const QString &workDir = {});
/// Runs tests/reference/<script> with /usr/bin/python3.
ProcessResult runPython(const QString &script, const QStringList &args, int timeoutMs = 600000);
/// Whether a FITS card's raw value text (`'SDO/AIA '`, `1.5E+00`, `T`, empty) holds the value astropy gave for it as
/// JSON (tests/reference/fits_header_cards.py: strings stripped, numbers, booleans, null for no value); numbers
/// to 1e-12 relative.
bool sameFitsValue(const QString &rawValue, const QJsonValue &ref);
/// Parses JSON or fails the current test (returns a null document).
QJsonDocument parseJson(const QByteArray &bytes);
/// From the app's --state-json: empty when the timeline dock below the maps is shown tall enough for every channel
/// row (`timeline.height` >= `timeline.rows_height`) and not much taller (48 px at most: not filling the space a
/// hidden dock left), else what is wrong.
QString timelineRowsProblem(const QJsonObject &state);

/// A scratch directory under the build tree, removed at the end of scope.
QTemporaryDir scratchDir();

}  // namespace solarchip::test

/// Skips the current test with a clear message when the real SDO folder is absent.
#define SOLARCHIP_REQUIRE_SDO()                                                                       \
    do {                                                                                              \
        if (solarchip::test::sdoDir().isEmpty())                                                      \
            QSKIP("../shared/sdo not found next to the project root (set SOLARCHIP_SDO_DIR)");         \
    } while (0)
