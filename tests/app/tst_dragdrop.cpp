// Dropping on the main window: a FITS file opens as a set and its map reaches the grid; a folder opens as an
// archive; non-local URLs are refused.
#include "app/gui/ArchiveDocument.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QTest>
#include <QTimeZone>
#include <QUrl>

using namespace solarchip;

namespace {

bool dragAccepted(QWidget *w, QMimeData *mime)
{
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &enter);
    return enter.isAccepted();
}

void drop(QWidget *w, QMimeData *mime)
{
    QDropEvent event(QPointF(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &event);
}

}  // namespace

class TestDragDrop : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_file;
    QString m_folder;
    const qint64 m_t = QDateTime(QDate(2012, 3, 7), QTime(0, 24, 0), QTimeZone::utc()).toMSecsSinceEpoch();

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        FixtureOptions options;
        options.size = 32;
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("loose")),
                                      {{QStringLiteral("193"), m_t, 0, QStringLiteral("dropped_193.fits")}}, options)
                    .ok());
        m_file = m_dir.filePath(QStringLiteral("loose/dropped_193.fits"));
        m_folder = m_dir.filePath(QStringLiteral("folder"));
        QVERIFY(CatalogFixture::write(m_folder, CatalogFixture::schedule({QStringLiteral("171")},
                                                                          QDateTime::fromMSecsSinceEpoch(m_t, QTimeZone::utc()),
                                                                          3600000, 3),
                                      options)
                    .ok());
    }

    void droppedFileIsOpenedAndShown()
    {
        StudioSettings s(m_dir.filePath(QStringLiteral("drop.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.acceptDrops());
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_file)});
        QVERIFY(dragAccepted(&w, &mime));
        drop(&w, &mime);
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 30000);
        QVERIFY(w.archive()->isOpen() && !w.archive()->hasTimeAxis() && !w.archive()->canRescan());  // loose files
        QCOMPARE(w.observation()->timeMs(), m_t);
        QCOMPARE(w.grid()->count(), 1);
        QVERIFY(w.grid()->view(0)->map());
        QCOMPARE(w.grid()->view(0)->map()->meta.channel, QStringLiteral("193"));
        QVERIFY(!w.grid()->view(0)->rendered().isNull());
    }

    void droppedFolderOpensAsArchive()
    {
        StudioSettings s(m_dir.filePath(QStringLiteral("folder.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.show();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_folder)});
        QVERIFY(dragAccepted(&w, &mime));
        drop(&w, &mime);
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 60000);
        QVERIFY(w.archive()->hasTimeAxis() && w.archive()->canRescan());  // an archive folder
        QCOMPARE(QDir(w.archive()->archiveDir()), QDir(m_folder));
        QCOMPARE(w.archive()->channels(), QStringList{QStringLiteral("171")});
        QCOMPARE(s.lastArchive(), w.archive()->archiveDir());
    }

    void remoteUrlsAreRefused()
    {
        StudioSettings s(m_dir.filePath(QStringLiteral("remote.ini")));
        MainWindow w(&s);
        QMimeData mime;
        mime.setUrls({QUrl(QStringLiteral("https://example.org/aia.fits"))});
        QVERIFY(!dragAccepted(&w, &mime));
        QMimeData text;
        text.setText(QStringLiteral("hello"));
        QVERIFY(!dragAccepted(&w, &text));
    }
};

QTEST_MAIN(TestDragDrop)
#include "tst_dragdrop.moc"
