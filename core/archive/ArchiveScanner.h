#pragma once
// Internal to the catalog: brings the `files` table of a catalog up to date with a folder tree. Lists the map
// files (FITS and Helioviewer JPEG2000, by extension; MapFile decides by content what they are), compares size
// and mtime with the rows, reads the headers of new and changed files through MapFile on a thread pool (each
// read opens its own file handle), and writes the rows in short transactions from the calling thread. A process
// killed at any moment leaves whole batches committed; the next run re-reads only what is still missing. One
// scan per catalog at a time (a lock file beside it).

#include "core/archive/Catalog.h"
#include "core/archive/CatalogDatabase.h"

#include <QString>

namespace solarchip {

class ArchiveScanner {
public:
    ArchiveScanner(const CatalogDatabase &db, QString archiveRoot);

    Expected<CatalogScanSummary> run(const CatalogScanOptions &options);

private:
    const CatalogDatabase &m_db;
    QString m_root;
};

}  // namespace solarchip
