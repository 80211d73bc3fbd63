#pragma once
// Command-line options shared by pretrain, embed and eval-align: which archive, which channels, which
// co-temporal sets, and the tensor cache.

#include "models/data/Dataset.h"

#include <QCommandLineParser>
#include <QString>

namespace solarchip::cli {

/// Adds --archive, --channels, --db, --no-index, --tolerance-s, --min-spacing-hours, --from, --to,
/// --cache, --no-cache.
void addDataOptions(QCommandLineParser &p, const QString &defaultChannels);

/// Fills `o` (archive, catalog, selection, cache) from the parser; `channelsFallback` when --channels is
/// absent, marked (DatasetOptions::onlyChannelsPresent) to be narrowed by Dataset::open, with a note on stderr,
/// to those of them the archive's catalog has when at least two are there, so a model's command runs on an
/// archive of a subset of its channels. Reads no catalog itself. Returns an error message for bad values (usage
/// error), empty when fine.
QString readDataOptions(const QCommandLineParser &p, DatasetOptions &o, const QStringList &channelsFallback = {});

/// Parses "hmi,171,193" into canonical keys; an error message in `error` for unknown names.
QStringList parseChannels(const QString &text, QString *error);

}  // namespace solarchip::cli
