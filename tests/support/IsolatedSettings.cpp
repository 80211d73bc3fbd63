// Compiled into every GUI test (widgets/ and app/, tests/CMakeLists.txt): before main() runs, the test's
// settings go to a fresh folder of its own. XDG_CONFIG_HOME points there, so QSettings() in the test, in a
// MainWindow it builds and in any solarchip-studio it starts (children inherit the environment) neither
// read the user's settings (a window state saved by another test, or by the user, e.g. a wide dock) nor
// write into them. The folder is removed when the test exits. Data folders (the sample archive, the job
// database) are left where they are: tests that need their own set SOLARCHIP_SAMPLE_DIR or pass paths.
// SOLARCHIP_TEST_USER_SETTINGS=1 keeps the user's settings (to debug a test against a real configuration).
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace {

QString scratchBase()
{
    QString base = qEnvironmentVariable("SOLARCHIP_TEST_TMP");
    if (base.isEmpty())
        base = QDir::tempPath();
    QDir().mkpath(base);
    return base;
}

struct IsolatedSettings {
    QTemporaryDir dir{scratchBase() + QStringLiteral("/settings-XXXXXX")};
    IsolatedSettings()
    {
        if (qEnvironmentVariableIntValue("SOLARCHIP_TEST_USER_SETTINGS") == 1 || !dir.isValid())
            return;
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.path()));
    }
};

const IsolatedSettings isolatedSettings;

}  // namespace
