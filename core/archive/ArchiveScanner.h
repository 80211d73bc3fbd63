#pragma once
// Internal to the catalog: brings the `files` table of a catalog up to date with a folder tree. Lists the FITS
// files (by extension; content decides what they are), compares size and mtime with the rows, reads the headers
// of new and changed files on a thread pool (each read opens its own CFITSIO handle), and writes the rows in
// short transactions from the calling thread. A process killed at any moment leaves whole batches committed;
// the next run re-reads only what is still missing. One scan per catalog at a time (a lock file beside it).

#include "core/archive/Catalog.h"
#include "core/archive/CatalogDatabase.h"

#include <QString>

namespace solarchip {

class ArchiveScanner {
public:
    ArchiveScanner(const CatalogDatabase &db, QString archiveRoot);

    Expected<CatalogScanSummary> run(const CatalogScanOptions &options);

    /// True for names the scanner reads: *.fits, *.fit, *.fts, *.fits.fz, *.fz (any case).
    static bool isFitsName(const QString &fileName);

private:
    const CatalogDatabase &m_db;
    QString m_root;
};

}  // namespace solarchip
