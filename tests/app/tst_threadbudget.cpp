// The one thread budget (core/base/ThreadBudget) and what the app runs where. The budget's pools exist with
// their roles, sizes (the rule written in ThreadBudget.h, worked out by hand for 1, 2 and 16 cores), thread
// names and priorities (read back from /proc, not from the code under test); a map render creates no thread
// (every pthread_create in this process is counted, and /proc/self/task is counted before and after); a
// catalogue look-up and a difference image asked for through the app run off the UI thread; a catalogue error
// reaches the status bar naming the archive; a child process started for background work runs at nice 10.
#include "app/gui/ArchiveDocument.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "core/base/ThreadBudget.h"
#include "core/base/ThreadPriority.h"
#include "widgets/MapGrid.h"
#include "widgets/MapRenderer.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QThreadPool>
#include <QTimeZone>

#include <atomic>
#include <cmath>
#include <memory>
#include <thread>

#include <dlfcn.h>
#include <pthread.h>
#include <sys/resource.h>

namespace {
std::atomic<int> g_threadsCreated{0};
}

// Every thread this process starts goes through here (std::thread, QThread, OpenMP...): counted, then created.
extern "C" int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) __THROWNL
{
    using Fn = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    static const Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "pthread_create"));
    g_threadsCreated.fetch_add(1);
    return real(thread, attr, start, arg);
}

using namespace solarchip;
using Pool = ThreadBudget::Pool;

namespace {

constexpr qint64 kHour = 3600 * 1000;
const qint64 kT0 = QDateTime(QDate(2011, 6, 7), QTime(0, 0, 1), QTimeZone::utc()).toMSecsSinceEpoch();
qint64 t171(int k) { return kT0 + k * 12 * kHour; }

struct TaskInfo {
    QString name;
    int nice = 0;
};

// The threads of this process as the kernel reports them: /proc/self/task/<tid>/comm and field 19 of stat.
QVector<TaskInfo> tasks()
{
    QVector<TaskInfo> out;
    const QDir dir(QStringLiteral("/proc/self/task"));
    for (const QString &tid : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(dir.filePath(tid + QStringLiteral("/comm")));
        QFile stat(dir.filePath(tid + QStringLiteral("/stat")));
        if (!comm.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly))
            continue;  // ended meanwhile
        TaskInfo t;
        t.name = QString::fromUtf8(comm.readAll()).trimmed();
        const QByteArray s = stat.readAll();
        // "pid (comm) state ppid ..." : fields after the last ')' start at field 3.
        const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
        t.nice = fields.size() > 16 ? fields[16].toInt() : -100;
        out << t;
    }
    return out;
}

int taskCount()
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

Image rampImage(int size)
{
    Image img(size, size);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            img.at(x, y) = float(x + y);
    return img;
}

}  // namespace

class TestThreadBudget : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    QString archiveDir() const { return m_dir.filePath(QStringLiteral("archive")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVector<FixtureFile> files;
        for (int k = 0; k < 4; ++k)
            files << FixtureFile{QStringLiteral("171"), t171(k), 0, {}};
        FixtureOptions options;
        options.size = 64;
        QVERIFY(CatalogFixture::write(archiveDir(), files, options).ok());
    }

    // The rule of ThreadBudget.h, by hand: io = clamp(cores, 2, 4); render = cores; inference = cores / 2;
    // background = cores - 1; OpenCV, OpenJPEG = cores / io; torch = inference (each at least 1).
    void sizesFollowTheCoreCount_data()
    {
        QTest::addColumn<int>("cores");
        QTest::addColumn<QList<int>>("expected");  // io, render, inference, background, opencv, openjpeg, torch
        QTest::newRow("1 core") << 1 << QList<int>{2, 1, 1, 1, 1, 1, 1};
        QTest::newRow("2 cores") << 2 << QList<int>{2, 2, 1, 1, 1, 1, 1};
        QTest::newRow("16 cores") << 16 << QList<int>{4, 16, 8, 15, 4, 4, 8};
    }

    void sizesFollowTheCoreCount()
    {
        QFETCH(int, cores);
        QFETCH(QList<int>, expected);
        const ThreadBudget::Sizes s = ThreadBudget::sizesFor(cores);
        QCOMPARE((QList<int>{s.io, s.render, s.inference, s.background, s.opencv, s.openjpeg, s.torchIntraOp}), expected);
        QCOMPARE(s.of(Pool::Render), s.render);
    }

    void poolsExistWithTheirRolesSizesAndPriorities()
    {
        ThreadBudget &budget = ThreadBudget::instance();
        QCOMPARE(budget.sizes().cores, QThread::idealThreadCount());
        const struct {
            Pool pool;
            const char *name;
            const char *thread;
            int nice;
        } expected[] = {{Pool::Io, "io", "sc-io", 5},
                        {Pool::Render, "render", "sc-render", 5},
                        {Pool::Inference, "inference", "sc-inference", 5},
                        {Pool::Background, "background", "sc-background", 10}};
        for (const auto &e : expected) {
            QThreadPool *pool = budget.pool(e.pool);
            QVERIFY(pool);
            QCOMPARE(ThreadBudget::name(e.pool), QString::fromLatin1(e.name));
            QCOMPARE(pool->objectName(), QStringLiteral("solarchip.") + QString::fromLatin1(e.name));
            QCOMPARE(pool->maxThreadCount(), budget.size(e.pool));
            QCOMPARE(pool->expiryTimeout(), -1);  // its threads are kept
            QCOMPARE(budget.pool(e.pool), pool);  // one pool per role
        }
        // As the kernel sees them: each pool's threads by name, all started, at the pool's priority.
        const int processNice = getpriority(PRIO_PROCESS, 0);
        const QVector<TaskInfo> all = tasks();
        for (const auto &e : expected) {
            int count = 0;
            for (const TaskInfo &t : all) {
                if (t.name != QLatin1String(e.thread))
                    continue;
                ++count;
                QCOMPARE(t.nice, std::max(e.nice, processNice));
            }
            QVERIFY2(count == budget.size(e.pool),
                     qPrintable(QStringLiteral("%1: %2 threads, %3 expected").arg(QLatin1String(e.thread)).arg(count).arg(budget.size(e.pool))));
        }
        // The renderer and the map cache work on the budget's pools, not pools of their own.
        QCOMPARE(MapRenderer::pool(), budget.pool(Pool::Render));
    }

    void aRenderCreatesNoThread()
    {
        const auto image = std::make_shared<const Image>(rampImage(1024));
        DisplaySettings settings;
        // Warm up: the render pool exists and has rendered once.
        QVERIFY(!MapRenderer::render(*image, settings).isNull());
        QVERIFY(!MapRenderer::renderAsync(image, settings).result().isNull());
        const int tasksBefore = taskCount();
        const int createdBefore = g_threadsCreated.load();
        for (int i = 0; i < 8; ++i) {
            const RenderedMap sync = MapRenderer::render(*image, settings);
            QVERIFY(!sync.isNull());
            QCOMPARE(sync.image().width(), 1024);
            QVERIFY(sync.pyramid.size() > 1);
            QVERIFY(!MapRenderer::renderAsync(image, settings).result().isNull());
        }
        QCOMPARE(g_threadsCreated.load() - createdBefore, 0);
        QCOMPARE(taskCount(), tasksBefore);
        // The count sees threads (a render that started its own would show here).
        std::thread([] {}).join();
        QCOMPARE(g_threadsCreated.load() - createdBefore, 1);
    }

    void lookUpsAndDifferencesRunOffTheUiThread()
    {
        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(800, 600);
        m_window->setInitialTime(QDateTime::fromMSecsSinceEpoch(t171(1), QTimeZone::utc()));
        m_window->show();
        m_window->openArchive(archiveDir());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        ObservationDocument *doc = m_window->observation();
        QCOMPARE(doc->timeMs(), t171(1));
        QThread *ui = QThread::currentThread();
        QVERIFY(doc->lastLookupThread());
        QVERIFY(doc->lastLookupThread() != ui);

        // A step: asked, answered later (the call returns before the catalogue is asked).
        doc->step(ObservationDocument::Step::NextObservation);
        QVERIFY(doc->isResolving());
        QCOMPARE(doc->timeMs(), t171(1));
        QTRY_COMPARE(doc->timeMs(), t171(2));
        QVERIFY(doc->lastLookupThread() != ui);

        // Three quick steps go three observations on; only the last place is shown.
        doc->step(ObservationDocument::Step::First);
        doc->step(ObservationDocument::Step::NextObservation);
        doc->step(ObservationDocument::Step::NextObservation);
        QTRY_VERIFY(!doc->isResolving());
        QCOMPARE(doc->timeMs(), t171(2));

        // A running difference: made off the UI thread, then shown with its label.
        doc->setDifferenceMode(ObservationDocument::DifferenceMode::Running);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !doc->isResolving(), 30000);
        QVERIFY(m_window->presenter()->lastDifferenceThread());
        QVERIFY(m_window->presenter()->lastDifferenceThread() != ui);
        MapView *view = m_window->grid()->view(0);
        QVERIFY(view && view->map());
        QCOMPARE(view->map()->meta.tObs.toMSecsSinceEpoch(), t171(2));
        QVERIFY2(view->title().contains(QStringLiteral("Δt = 12 h")), qPrintable(view->title()));
        doc->setDifferenceMode(ObservationDocument::DifferenceMode::None);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !doc->isResolving(), 30000);
    }

    void aCatalogueErrorReachesTheStatusBar()
    {
        QVERIFY(m_window);
        QSignalSpy failed(m_window.get(), &MainWindow::failed);
        // A channel the catalogue does not know: the query fails (it used to reach only the log).
        m_window->setFocusChannel(QStringLiteral("nosuch"));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 10000);
        const QString shown = m_window->statusBar()->currentMessage();
        QVERIFY2(shown.contains(QDir::toNativeSeparators(m_window->archive()->archiveDir())), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("nosuch")), qPrintable(shown));
        m_window->setFocusChannel(QString());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void childProcessesStartBelowTheUi()
    {
        QProcess p;
        ThreadPriority::lowerChildProcess(&p);
        p.start(QStringLiteral("nice"), {});  // coreutils: prints its own niceness
        QVERIFY(p.waitForFinished(10000));
        const int processNice = getpriority(PRIO_PROCESS, 0);
        QCOMPARE(QString::fromLatin1(p.readAllStandardOutput()).trimmed().toInt(), std::max(10, processNice));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_settings.reset();
    }
};

QTEST_MAIN(TestThreadBudget)
#include "tst_threadbudget.moc"
