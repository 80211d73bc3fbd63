// `solarchip index` killed with SIGKILL at several points of a scan leaves a consistent catalog (SQLite integrity,
// summary tables equal to the rows, the scan marked incomplete, a stale lock that does not block), and the next
// run completes it to exactly what a clean, uninterrupted index of the same folder holds.
#include "TestSupport.h"

#include "core/archive/CatalogFixture.h"

#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

using namespace solarchip;
using namespace solarchip::test;

namespace {

struct DbState {
    bool ok = false;
    QString integrity;
    qint64 rows = 0, withChannel = 0, dayTotal = 0, hourTotal = 0;
    QString scanComplete;
    QStringList content;  // one line per row, by path
};

DbState inspect(const QString &path)
{
    DbState s;
    const QString name = QStringLiteral("inspect-%1").arg(qHash(path));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open())
            return s;
        QSqlQuery q(db);
        auto one = [&](const QString &sql) {
            q.exec(sql);
            return q.next() ? q.value(0) : QVariant();
        };
        s.integrity = one(QStringLiteral("PRAGMA integrity_check")).toString();
        s.rows = one(QStringLiteral("SELECT count(*) FROM files")).toLongLong();
        s.withChannel = one(QStringLiteral("SELECT count(*) FROM files WHERE channel IS NOT NULL")).toLongLong();
        s.dayTotal = one(QStringLiteral("SELECT coalesce(sum(n), 0) FROM counts_day")).toLongLong();
        s.hourTotal = one(QStringLiteral("SELECT coalesce(sum(n), 0) FROM counts_hour")).toLongLong();
        s.scanComplete = one(QStringLiteral("SELECT value FROM meta WHERE key = 'scan_complete'")).toString();
        q.exec(QStringLiteral("SELECT path, instrument, channel, t_ms, naxis1, naxis2, bitpix, quality, error "
                              "FROM files ORDER BY path"));
        while (q.next()) {
            QStringList cols;
            for (int i = 0; i < 9; ++i)
                cols << q.value(i).toString();
            s.content << cols.join(QLatin1Char('|'));
        }
        s.ok = true;
    }
    QSqlDatabase::removeDatabase(name);
    return s;
}

}  // namespace

class TestCatalogKill : public QObject {
    Q_OBJECT

private slots:
    void killMidScanThenResume()
    {
        QTemporaryDir archive = scratchDir();
        QTemporaryDir dbs = scratchDir();
        const auto files = CatalogFixture::schedule(
            {QStringLiteral("171"), QStringLiteral("304"), QStringLiteral("hmi")},
            QDateTime(QDate(2014, 1, 1), QTime(0, 0), QTimeZone::utc()), 900'000, 2000, 30'000, 3);
        QVERIFY(CatalogFixture::write(archive.path(), files));
        const qint64 total = files.size();
        const QString solarchip = binPath(QStringLiteral("solarchip"));

        // The reference: an uninterrupted index into its own file.
        const QString clean = dbs.path() + QStringLiteral("/clean.sqlite");
        ProcessResult ref = run(solarchip, {QStringLiteral("index"), archive.path(), QStringLiteral("--db"), clean,
                                            QStringLiteral("--json")});
        QCOMPARE(ref.exitCode, 0);
        const DbState want = inspect(clean);
        QVERIFY(want.ok);
        QCOMPARE(want.rows, total);

        const QString killed = dbs.path() + QStringLiteral("/killed.sqlite");
        qint64 rowsBefore = 0;
        for (const qint64 killAt : {qint64(0), qint64(700), qint64(3000)}) {
            QProcess p;
            p.start(solarchip, {QStringLiteral("index"), archive.path(), QStringLiteral("--db"), killed,
                                QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--batch"),
                                QStringLiteral("64"), QStringLiteral("--progress")});
            QVERIFY(p.waitForStarted());
            bool sent = false;
            QByteArray buffer;
            while (!sent && p.state() == QProcess::Running) {
                p.waitForReadyRead(50);
                buffer += p.readAllStandardError();
                qsizetype nl;
                while (!sent && (nl = buffer.indexOf('\n')) >= 0) {
                    const QJsonObject line = QJsonDocument::fromJson(buffer.left(nl)).object();
                    buffer.remove(0, nl + 1);
                    const bool reading = line[QStringLiteral("phase")].toString() == QLatin1String("reading");
                    const qint64 done = line[QStringLiteral("done")].toInteger();
                    if (killAt == 0 || (reading && done >= killAt && done < line[QStringLiteral("total")].toInteger())) {
                        p.kill();  // SIGKILL: no chance to clean up
                        sent = true;
                    }
                }
            }
            p.waitForFinished();
            QVERIFY2(sent && p.exitStatus() == QProcess::CrashExit,
                     qPrintable(QStringLiteral("the index run ended before the kill point %1").arg(killAt)));

            const DbState s = inspect(killed);
            QVERIFY(s.ok);
            QCOMPARE(s.integrity, QStringLiteral("ok"));
            QCOMPARE(s.dayTotal, s.withChannel);   // summaries are exact: same transactions as the rows
            QCOMPARE(s.hourTotal, s.withChannel);
            QVERIFY(s.rows >= rowsBefore);         // nothing committed is lost
            QVERIFY(s.rows < total);
            if (killAt > 0) {
                QVERIFY(s.rows >= killAt);          // progress is reported after the commit
                QCOMPARE(s.scanComplete, QStringLiteral("0"));
            }
            rowsBefore = s.rows;
        }
        QVERIFY(rowsBefore >= 3000);

        // The next run (the killed run's lock file is stale) completes the catalog.
        ProcessResult resume = run(solarchip, {QStringLiteral("index"), archive.path(), QStringLiteral("--db"), killed,
                                               QStringLiteral("--json")});
        QCOMPARE(resume.exitCode, 0);
        const QJsonObject summary = parseJson(resume.out).object();
        QCOMPARE(summary[QStringLiteral("skipped")].toInteger(), rowsBefore);
        QCOMPARE(summary[QStringLiteral("added")].toInteger(), total - rowsBefore);
        QCOMPARE(summary[QStringLiteral("files")].toInteger(), total);
        QVERIFY(summary[QStringLiteral("scan_complete")].toBool());

        const DbState got = inspect(killed);
        QVERIFY(got.ok);
        QCOMPARE(got.integrity, QStringLiteral("ok"));
        QCOMPARE(got.dayTotal, want.dayTotal);
        QCOMPARE(got.hourTotal, want.hourTotal);
        QCOMPARE(got.scanComplete, QStringLiteral("1"));
        QCOMPARE(got.content.size(), want.content.size());
        QCOMPARE(got.content, want.content);
    }
};

QTEST_GUILESS_MAIN(TestCatalogKill)
#include "tst_catalog_kill.moc"
