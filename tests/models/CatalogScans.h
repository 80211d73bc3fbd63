#pragma once
// How many times an archive's catalog was brought up to date: ArchiveScanner counts every update() that gets past
// its lock in the catalog's meta table (`scan_count`). Tests use it to see that one command scans once.

#include "core/archive/Catalog.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace solarchip::test {

/// scan_count of `archiveDir`'s catalog (Catalog::locate); -1 when it cannot be read.
inline qint64 catalogScanCount(const QString &archiveDir)
{
    const QString path = Catalog::locate(archiveDir).dbPath;
    const QString name = QStringLiteral("scan-count-%1").arg(qHash(path));
    qint64 n = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'scan_count'")))
                n = q.next() ? q.value(0).toString().toLongLong() : 0;
        }
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}

}  // namespace solarchip::test
