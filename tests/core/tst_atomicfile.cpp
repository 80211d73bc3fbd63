// core/base/AtomicFile: the one way a file is replaced. Writers racing on one path never leave a torn or
// foreign file, nor a temporary; a full disk (a 64 KiB tmpfs), a missing folder, a path that is a folder and a
// read-only folder each fail with an error naming the file and leave the old file as it was; a replaced file
// keeps its permissions and a link is written through. And the function exists once: `nm` of the built static
// libraries shows writeFileAtomically defined in exactly one of them (it was defined twice, an ODR violation the
// linker settled silently by link order).
#include "TestSupport.h"

#include "core/base/AtomicFile.h"
#include "core/map/FitsReader.h"
#include "core/map/FitsWriter.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace solarchip;

namespace {

// Set in the copy of this test that re-runs itself inside a user + mount namespace (`unshare -Urm`), where an
// unprivileged user may mount a tmpfs.
constexpr char kInNamespace[] = "SOLARCHIP_ATOMICFILE_IN_MOUNT_NS";

// One writer's content for one round, self-identifying: "ATOMIC writer=W round=R bytes=N\n", N bytes of a
// pseudo-random payload (its length varies from 16 KiB to 272 KiB, so writes span many pages), then
// "sha256=<hex of all before>\n". Any mix of two contents, or a cut one, fails check().
QByteArray content(int writer, int round)
{
    quint64 s = 0x9E3779B97F4A7C15ull * static_cast<quint64>(writer + 1) + 0xD1B54A32D192ED03ull * static_cast<quint64>(round + 1);
    auto next = [&s] {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    };
    const int n = 16 * 1024 + static_cast<int>(next() % (256 * 1024));
    QByteArray out = QStringLiteral("ATOMIC writer=%1 round=%2 bytes=%3\n").arg(writer).arg(round).arg(n).toLatin1();
    const qsizetype head = out.size();
    out.resize(head + n);
    for (qsizetype i = head; i < out.size(); ++i)
        out[i] = static_cast<char>(next() & 0xff);
    out += "sha256=" + QCryptographicHash::hash(out, QCryptographicHash::Sha256).toHex() + '\n';
    return out;
}

struct Checked {
    bool ok = false;
    int writer = -1;
    int round = -1;
    QString why;
};

Checked check(const QByteArray &bytes)
{
    static const QRegularExpression re(QStringLiteral("^ATOMIC writer=(\\d+) round=(\\d+) bytes=(\\d+)\n"));
    Checked c;
    const auto m = re.match(QString::fromLatin1(bytes.left(80)));
    if (!m.hasMatch()) {
        c.why = QStringLiteral("no header (%1 bytes)").arg(bytes.size());
        return c;
    }
    const qsizetype body = m.capturedLength(0) + m.captured(3).toLongLong();
    if (bytes.size() != body + 7 + 64 + 1) {
        c.why = QStringLiteral("%1 bytes, the header promises %2").arg(bytes.size()).arg(body + 72);
        return c;
    }
    const QByteArray sum = QCryptographicHash::hash(bytes.left(body), QCryptographicHash::Sha256).toHex();
    if (bytes.mid(body) != "sha256=" + sum + '\n') {
        c.why = QStringLiteral("checksum mismatch: a torn or mixed file");
        return c;
    }
    c.ok = true;
    c.writer = m.captured(1).toInt();
    c.round = m.captured(2).toInt();
    return c;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every entry of `dir` (hidden ones too): after any write, success or failure, only the target may be there.
QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

// A tmpfs of `options` mounted on `dir` for the scope of this object (root, or inside `unshare -Urm`).
class Tmpfs {
public:
    Tmpfs(const QString &dir, const char *options) : m_dir(QFile::encodeName(dir))
    {
        m_mounted = ::mount("tmpfs", m_dir.constData(), "tmpfs", 0, options) == 0;
        m_errno = errno;
    }
    ~Tmpfs()
    {
        if (m_mounted)
            ::umount2(m_dir.constData(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }
    QString why() const { return QString::fromLocal8Bit(std::strerror(m_errno)); }
    bool remountReadOnly()
    {
        return ::mount(nullptr, m_dir.constData(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0;
    }

private:
    QByteArray m_dir;
    bool m_mounted = false;
    int m_errno = 0;
};

Image ramp(int w, int h)
{
    Image img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.at(x, y) = static_cast<float>(x + 1000 * y);
    return img;
}

}  // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir = test::scratchDir();

    QString folder(const QString &name)
    {
        const QString d = m_dir.filePath(name);
        QDir().mkpath(d);
        return d;
    }

    // Runs `function` of this test executable again inside a new user + mount namespace, where mounting a tmpfs
    // is allowed without root. `ran` is false when that is not possible here (no unshare, namespaces disabled).
    struct Rerun {
        bool ran = false;
        bool passed = false;
        QByteArray output;
    };
    static Rerun rerunInMountNamespace(const char *function)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QLatin1String(kInNamespace), QStringLiteral("1"));
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("unshare"),
                {QStringLiteral("-Urm"), QCoreApplication::applicationFilePath(), QLatin1String(function)});
        Rerun r;
        if (!p.waitForFinished(120000))
            return r;
        r.output = p.readAll();
        r.ran = p.exitStatus() == QProcess::NormalExit && r.output.contains("Start testing of TestAtomicFile")
                && !r.output.contains("SKIP   :");
        r.passed = r.ran && p.exitCode() == 0 && r.output.contains("PASS   : TestAtomicFile::" + QByteArray(function));
        return r;
    }

private slots:
    void writesNewAndReplacesOldFiles()
    {
        const QString path = folder(QStringLiteral("plain")) + QStringLiteral("/a.json");
        QVERIFY(writeFileAtomically(path, "first").ok());
        QCOMPARE(readAll(path), QByteArray("first"));
        QVERIFY(writeFileAtomically(path, "").ok());
        QCOMPARE(QFileInfo(path).size(), 0);
        QVERIFY(writeFileAtomically(path, "second").ok());
        QCOMPARE(readAll(path), QByteArray("second"));
        QCOMPARE(entries(QFileInfo(path).path()), QStringList{QStringLiteral("a.json")});
        // A '%1' in the name is a name, not a placeholder.
        const QString odd = QFileInfo(path).path() + QStringLiteral("/b%1%2.txt");
        QVERIFY(writeFileAtomically(odd, "odd").ok());
        QCOMPARE(readAll(odd), QByteArray("odd"));
    }

    void racingWritersLeaveOneWholeFile()
    {
        // Four threads write the same path in each of 40 rounds, released together; a fifth reads it all the
        // while. After each round the file is exactly one of that round's four contents; no read ever sees a
        // torn file; no temporary is left.
        const QString dir = folder(QStringLiteral("race"));
        const QString path = dir + QStringLiteral("/shared.bin");
        constexpr int kWriters = 4;
        constexpr int kRounds = 40;
        std::atomic<int> reads{0};
        QString readerProblem;
        // (A jthread: a failed check below returns early, and the reader is still stopped and joined.)
        std::jthread reader([&](std::stop_token stop) {
            while (!stop.stop_requested()) {
                const QByteArray bytes = readAll(path);
                if (bytes.isEmpty())  // not written yet
                    continue;
                ++reads;
                const Checked c = check(bytes);
                if (!c.ok || c.writer < 0 || c.writer >= kWriters || c.round >= kRounds) {
                    readerProblem = c.why;
                    return;
                }
            }
        });
        for (int round = 0; round < kRounds; ++round) {
            std::latch start(kWriters);
            std::vector<Status> results(kWriters);
            std::vector<std::thread> writers;
            for (int w = 0; w < kWriters; ++w)
                writers.emplace_back([&, w] {
                    const QByteArray bytes = content(w, round);
                    start.arrive_and_wait();
                    results[w] = writeFileAtomically(path, bytes);
                });
            for (std::thread &t : writers)
                t.join();
            for (const Status &s : results)
                QVERIFY2(s.ok(), qPrintable(s.errorString()));
            const QByteArray now = readAll(path);
            const Checked c = check(now);
            QVERIFY2(c.ok, qPrintable(QStringLiteral("round %1: %2").arg(round).arg(c.why)));
            QCOMPARE(c.round, round);
            QCOMPARE(now, content(c.writer, round));
            QCOMPARE(entries(dir), QStringList{QStringLiteral("shared.bin")});
        }
        reader.request_stop();
        reader.join();
        QVERIFY2(readerProblem.isEmpty(), qPrintable(QStringLiteral("a reader saw: ") + readerProblem));
        QVERIFY(reads.load() > 0);
        // The check itself tells a torn file: the first half of one content and the second half of another.
        const QByteArray a = content(0, 1), b = content(1, 1);
        QVERIFY(!check(a.left(a.size() / 2) + b.mid(a.size() / 2)).ok);
        QVERIFY(!check(a.left(a.size() - 1)).ok);
    }

    void fullDiskKeepsTheOldFile()
    {
        if (::geteuid() != 0 && !qEnvironmentVariableIsSet(kInNamespace)) {
            const Rerun r = rerunInMountNamespace("fullDiskKeepsTheOldFile");
            if (!r.ran)
                QSKIP("cannot mount a small tmpfs here (needs root or `unshare -Urm`): full-disk check skipped");
            QVERIFY2(r.passed, r.output.constData());
            return;
        }
        const QString dir = folder(QStringLiteral("full"));
        Tmpfs fs(dir, "size=64k");
        if (!fs.mounted())
            QSKIP(qPrintable(QStringLiteral("cannot mount a 64 KiB tmpfs on %1 (%2): full-disk check skipped").arg(dir, fs.why())));
        const QString path = dir + QStringLiteral("/settings.json");
        const QByteArray old(20 * 1024, 'o');
        QVERIFY(writeFileAtomically(path, old).ok());
        // 100 KiB do not fit next to the old 20 KiB in 64 KiB.
        const Status s = writeFileAtomically(path, QByteArray(100 * 1024, 'n'));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().file, path);
        QVERIFY2(s.errorString().contains(QLatin1String("disk full")), qPrintable(s.errorString()));
        QVERIFY2(s.errorString().contains(path), qPrintable(s.errorString()));
        QCOMPARE(readAll(path), old);
        QCOMPARE(entries(dir), QStringList{QStringLiteral("settings.json")});
        // The same through AtomicFile's other form (the writer fills the temporary by its path: CFITSIO).
        const QString fits = dir + QStringLiteral("/map.fits");
        const Status small = FitsWriter::write(fits, FitsHeader(), ramp(8, 8));
        QVERIFY2(small.ok(), qPrintable(small.errorString()));
        const QByteArray oldFits = readAll(fits);
        const Status big = FitsWriter::write(fits, FitsHeader(), ramp(256, 256));  // 256 KiB of float32
        QVERIFY(!big.ok());
        QVERIFY2(big.errorString().contains(fits), qPrintable(big.errorString()));
        QCOMPARE(readAll(fits), oldFits);
        auto back = FitsReader::read(fits);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->image.width, 8);
        QCOMPARE(entries(dir), (QStringList{QStringLiteral("map.fits"), QStringLiteral("settings.json")}));
        // Room again: the write goes through.
        QVERIFY(QFile::remove(fits));
        QVERIFY(writeFileAtomically(path, QByteArray(30 * 1024, 'n')).ok());
        QCOMPARE(readAll(path), QByteArray(30 * 1024, 'n'));
    }

    void missingFolderAndFolderPath()
    {
        const QString base = folder(QStringLiteral("paths"));
        const QString missing = base + QStringLiteral("/no/such/folder/a.json");
        const Status s = writeFileAtomically(missing, "x");
        QVERIFY(!s.ok());
        QCOMPARE(s.error().file, missing);
        QVERIFY2(s.error().message.contains(QLatin1String("does not exist")), qPrintable(s.errorString()));
        QVERIFY(!QFileInfo::exists(base + QStringLiteral("/no")));
        // ... unless asked to make it.
        QVERIFY(writeFileAtomically(missing, "x", AtomicWriteOptions{.createFolder = true}).ok());
        QCOMPARE(readAll(missing), QByteArray("x"));

        const QString isFolder = folder(QStringLiteral("paths/a-folder"));
        QVERIFY(QFile(isFolder + QStringLiteral("/inside.txt")).open(QIODevice::WriteOnly));
        const Status f = writeFileAtomically(isFolder, "x");
        QVERIFY(!f.ok());
        QCOMPARE(f.error().file, isFolder);
        QVERIFY2(f.error().message.contains(QLatin1String("folder")), qPrintable(f.errorString()));
        QVERIFY(QFileInfo(isFolder).isDir());
        QCOMPARE(entries(isFolder), QStringList{QStringLiteral("inside.txt")});
        QCOMPARE(entries(base), (QStringList{QStringLiteral("a-folder"), QStringLiteral("no")}));

        QVERIFY(!writeFileAtomically(QString(), "x").ok());
    }

    void readOnlyFolderKeepsTheOldFile()
    {
        const QString dir = folder(QStringLiteral("readonly"));
        const QString path = dir + QStringLiteral("/a.json");
        QVERIFY(writeFileAtomically(path, "old").ok());
        std::optional<Tmpfs> fs;
        if (::geteuid() == 0) {
            // Root writes into any folder whatever its mode: a read-only file system refuses root too.
            fs.emplace(dir, "size=64k");
            if (!fs->mounted())
                QSKIP("running as root and cannot mount a tmpfs: read-only check skipped");
            QVERIFY(writeFileAtomically(path, "old").ok());
            QVERIFY(fs->remountReadOnly());
        } else {
            QVERIFY(QFile::setPermissions(dir, QFile::ReadOwner | QFile::ExeOwner));
        }
        const Status s = writeFileAtomically(path, "new");
        if (!fs)
            QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().file, path);
        QVERIFY2(s.error().message.contains(dir), qPrintable(s.errorString()));
        QCOMPARE(readAll(path), QByteArray("old"));
        QCOMPARE(entries(dir), QStringList{QStringLiteral("a.json")});
    }

    void keepsPermissionsAndWritesThroughLinks()
    {
        const QString dir = folder(QStringLiteral("modes"));
        const QString path = dir + QStringLiteral("/private.json");
        QVERIFY(writeFileAtomically(path, "one").ok());
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0600) == 0);
        QVERIFY(writeFileAtomically(path, "two").ok());
        struct stat st;
        QVERIFY(::stat(QFile::encodeName(path).constData(), &st) == 0);
        QCOMPARE(st.st_mode & 07777, 0600u);
        QCOMPARE(readAll(path), QByteArray("two"));

        const QString link = dir + QStringLiteral("/link.json");
        QVERIFY(QFile::link(path, link));
        QVERIFY(writeFileAtomically(link, "three").ok());
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(readAll(path), QByteArray("three"));
        QCOMPARE(entries(dir), (QStringList{QStringLiteral("link.json"), QStringLiteral("private.json")}));
    }

    void uncommittedTemporaryIsRemoved()
    {
        const QString dir = folder(QStringLiteral("discard"));
        const QString path = dir + QStringLiteral("/out.fits");
        QVERIFY(writeFileAtomically(path, "old").ok());
        {
            AtomicFile f(path);
            auto tmp = f.open();
            QVERIFY(tmp.ok());
            QVERIFY(QFileInfo(*tmp).dir() == QDir(dir));
            QVERIFY(AtomicFile::isTemporaryName(QFileInfo(*tmp).fileName()));
            QVERIFY(QFile::exists(*tmp));
            QCOMPARE(entries(dir).size(), 2);
        }  // never committed
        QCOMPARE(entries(dir), QStringList{QStringLiteral("out.fits")});
        QCOMPARE(readAll(path), QByteArray("old"));
        QVERIFY(!AtomicFile::isTemporaryName(QStringLiteral("out.fits")));
    }

    void definedInOneLibraryOnly()
    {
        const QString nm = QStandardPaths::findExecutable(QStringLiteral("nm"));
        if (nm.isEmpty())
            QSKIP("nm (binutils) not found");
        const QString libDir = test::binaryDir() + QStringLiteral("/lib");
        QDirIterator it(libDir, {QStringLiteral("*.a")}, QDir::Files);
        QStringList defining;
        int libraries = 0;
        while (it.hasNext()) {
            const QString lib = it.next();
            const test::ProcessResult r = test::run(nm, {QStringLiteral("-C"), QStringLiteral("--defined-only"), lib}, 120000);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            ++libraries;
            for (const QByteArray &line : r.out.split('\n'))
                if (line.contains(" T solarchip::writeFileAtomically("))
                    defining << QFileInfo(lib).fileName() + QLatin1Char(':') + QString::fromLatin1(line);
        }
        QVERIFY2(libraries >= 4, qPrintable(QStringLiteral("only %1 static libraries in %2").arg(libraries).arg(libDir)));
        QVERIFY2(defining.size() == 1, qPrintable(defining.join(QLatin1Char('\n'))));
        QVERIFY2(defining.first().startsWith(QLatin1String("libsolarchip_core_base")), qPrintable(defining.first()));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"
