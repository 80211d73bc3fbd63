// solarchip similarity --archive A --time ISO --at-hpc X,Y [--box W,H] --channel C [--model M] --json: the cosine
// similarity of one model cell's embedding (or the mean of the cells in a box) to every cell of its own channel
// and of each other channel of the same co-temporal set: the GUI's click -> heatmaps as numbers. The set is
// prepared and encoded exactly as the GUI does (models/inference/SetEncoding.h). `--files F1,F2` takes files
// opened on their own instead of an archive (a single real map, a real pair, a cut-out).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/ModelCliOptions.h"

#include "core/archive/Catalog.h"
#include "core/map/SdoTime.h"
#include "models/inference/SetEncoding.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("similarity");

bool parsePair(const QString &text, double *a, double *b)
{
    const QStringList parts = text.split(u',');
    if (parts.size() != 2)
        return false;
    bool ok1 = false, ok2 = false;
    *a = parts[0].trimmed().toDouble(&ok1);
    *b = parts[1].trimmed().toDouble(&ok2);
    return ok1 && ok2 && std::isfinite(*a) && std::isfinite(*b);
}

QJsonValue number(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null); }

QJsonArray rowCol(const SetEmbeddings &e, int cell)
{
    const ModelCell c = e.cellOf(cell);
    return QJsonArray{c.row, c.col};
}

QJsonArray point(QPointF p) { return QJsonArray{number(p.x()), number(p.y())}; }

int runSimilarity(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Cosine similarity of the model cell at a helioprojective point (or the mean of the cells in a box) to every "
        "cell of its own channel and of each other channel of the co-temporal set at a time. Maps are grid x grid, "
        "row 0 = south (the model grid). Use --at-hpc=X,Y for negative coordinates."));
    p.addOption({QStringLiteral("archive"), QStringLiteral("Archive folder (indexed on the fly)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("files"), QStringLiteral("Comma-separated map files opened on their own (instead of --archive)."),
                 QStringLiteral("F1,F2")});
    p.addOption({QStringLiteral("time"), QStringLiteral("The set's time (ISO, UTC); the nearest file of each channel within the tolerance."),
                 QStringLiteral("ISO")});
    p.addOption({QStringLiteral("tolerance-s"), QStringLiteral("Largest member offset from --time (default 600 s)."),
                 QStringLiteral("S"), QStringLiteral("600")});
    p.addOption({QStringLiteral("at-hpc"), QStringLiteral("Helioprojective point of the query, arcsec: --at-hpc=X,Y."), QStringLiteral("X,Y")});
    p.addOption({QStringLiteral("box"), QStringLiteral("Query box W,H arcsec about the point: the mean of the cells whose centres lie in it."),
                 QStringLiteral("W,H")});
    p.addOption({QStringLiteral("channel"), QStringLiteral("Channel of the query cell (default: the model's first AIA channel)."),
                 QStringLiteral("C")});
    p.addOption({QStringLiteral("channels"), QStringLiteral("Model channels to encode (default all the model's; the set must have them)."),
                 QStringLiteral("LIST")});
    p.addOption({QStringLiteral("top"), QStringLiteral("Best cells listed per channel (default 10)."), QStringLiteral("K"), QStringLiteral("10")});
    p.addOption({QStringLiteral("allow-off-disk"), QStringLiteral("Accept a query point off the solar disk (the corona of AIA).")});
    p.addOption({QStringLiteral("no-cache"), QStringLiteral("Do not read or write the archive's prep cache.")});
    addModelOptions(p);
    p.addJsonOption(QStringLiteral("Print the maps and the top cells as JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;

    const bool haveArchive = p.isSet(QStringLiteral("archive")), haveFiles = p.isSet(QStringLiteral("files"));
    if (haveArchive == haveFiles)
        return p.usage(QStringLiteral("give either --archive DIR (with --time) or --files F1,F2"));
    if (haveArchive && !p.isSet(QStringLiteral("time")))
        return p.usage(QStringLiteral("--archive needs --time ISO"));
    if (!p.isSet(QStringLiteral("at-hpc")))
        return p.usage(QStringLiteral("--at-hpc=X,Y is required"));
    double qx = 0, qy = 0, bw = 0, bh = 0;
    if (!parsePair(p.value(QStringLiteral("at-hpc")), &qx, &qy))
        return p.usage(QStringLiteral("--at-hpc: '%1' is not X,Y in arcsec (use --at-hpc=-300,200 for negative values)")
                           .arg(p.value(QStringLiteral("at-hpc"))));
    const bool box = p.isSet(QStringLiteral("box"));
    if (box && (!parsePair(p.value(QStringLiteral("box")), &bw, &bh) || bw <= 0 || bh <= 0))
        return p.usage(QStringLiteral("--box: '%1' is not W,H in positive arcsec").arg(p.value(QStringLiteral("box"))));
    bool ok = false;
    const int topK = p.value(QStringLiteral("top")).toInt(&ok);
    if (!ok || topK < 0)
        return p.usage(QStringLiteral("--top needs a non-negative integer"));
    const double tolS = p.value(QStringLiteral("tolerance-s")).toDouble(&ok);
    if (!ok || tolS < 0)
        return p.usage(QStringLiteral("--tolerance-s needs a non-negative number"));

    QElapsedTimer clock;
    clock.start();
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(kName, model.error());
    QStringList channels = model->channels;
    if (p.isSet(QStringLiteral("channels"))) {
        QString problem;
        channels = parseChannels(p.value(QStringLiteral("channels")), &problem);
        if (!problem.isEmpty())
            return p.usage(problem);
    }
    QString channel = p.value(QStringLiteral("channel"));
    if (channel.isEmpty())
        channel = model->firstAiaChannel().isEmpty() ? channels.value(0) : model->firstAiaChannel();
    {
        QString problem;
        const QStringList c = parseChannels(channel, &problem);
        if (!problem.isEmpty() || c.size() != 1)
            return p.usage(problem.isEmpty() ? QStringLiteral("--channel takes one channel") : problem);
        channel = c.first();
    }

    ObservationSet set;
    QString archiveDir;
    if (haveArchive) {
        archiveDir = p.value(QStringLiteral("archive"));
        const auto t = SdoTime::parseUserTime(p.value(QStringLiteral("time")));
        if (!t)
            return p.usage(QStringLiteral("--time: '%1' is not a time").arg(p.value(QStringLiteral("time"))));
        if (!QFileInfo(archiveDir).isDir())
            return fail(kName, Error{archiveDir, QStringLiteral("archive folder not found")});
        auto catalog = Catalog::open(archiveDir);
        if (!catalog)
            return fail(kName, catalog.error());
        auto scan = catalog->update();
        if (!scan)
            return fail(kName, scan.error());
        auto s = catalog->nearestSet(*t, channels, static_cast<qint64>(tolS * 1000));
        if (!s)
            return fail(kName, s.error());
        set = *s;
        if (!set.isComplete()) {
            auto have = catalog->channels();
            return fail(kName, Error{archiveDir, QStringLiteral("no file of channel(s) %1 within %2 s of %3, which the model "
                                                                "needs (the archive has %4; --channels picks a subset)")
                                                     .arg(set.missingChannels().join(u','))
                                                     .arg(tolS)
                                                     .arg(t->toString(Qt::ISODate), have ? have->join(u',') : QStringLiteral("?"))});
        }
    } else {
        auto s = observationSetOfFiles(p.value(QStringLiteral("files")).split(u',', Qt::SkipEmptyParts));
        if (!s)
            return fail(kName, s.error());
        set = *s;
    }

    EncodeSetOptions eo;
    eo.channels = haveArchive ? channels : QStringList();
    eo.archiveDir = archiveDir;
    eo.useCache = !p.isSet(QStringLiteral("no-cache"));
    if (haveFiles) {
        // Files on their own: encode the model's channels present; the query channel must be among them.
        for (const QString &c : set.channels)
            if (!model->channels.contains(c))
                return fail(kName, Error{set.member(c)->path, QStringLiteral("channel '%1' is not one of the model's (%2)")
                                                                  .arg(c, model->channels.join(u','))});
    }
    auto e = encodeObservationSet(*model, set, eo);
    if (!e)
        return fail(kName, e.error());
    const int qc = e->channelIndex(channel);
    if (qc < 0)
        return fail(kName, Error{e->files.value(0), QStringLiteral("the query channel '%1' is not in the encoded set (%2)")
                                                        .arg(channel, e->channels.join(u','))});
    const QString qfile = e->files.value(qc);
    const QPointF at(qx, qy);
    const int cell = e->cellAt(at);
    if (cell < 0)
        return fail(kName, Error{qfile, QStringLiteral("the point (%1, %2) arcsec lies outside the model frame of this map "
                                                       "(outside the image)").arg(qx).arg(qy)});
    if (!p.isSet(QStringLiteral("allow-off-disk")) && e->rsunArcsec > 0 && std::hypot(qx, qy) > e->rsunArcsec)
        return fail(kName, Error{qfile, QStringLiteral("the point (%1, %2) arcsec is off the solar disk (%3 arcsec from the "
                                                       "centre, radius %4 arcsec); --allow-off-disk accepts it")
                                            .arg(qx).arg(qy).arg(std::hypot(qx, qy), 0, 'f', 1).arg(e->rsunArcsec, 0, 'f', 1)});
    if (!e->cellHasData(qc, cell))
        return fail(kName, Error{qfile, QStringLiteral("the model cell at (%1, %2) arcsec has no data in %3 (outside the "
                                                       "field of view of the map)").arg(qx).arg(qy).arg(channel)});
    const std::vector<int> cells = box ? e->cellsInBox(at, bw, bh) : std::vector<int>{cell};
    const std::vector<float> q = queryVector(*e, qc, cells);
    const auto maps = similarityMaps(*e, q);
    const double seconds = clock.nsecsElapsed() / 1e9;

    const int g = e->grid;
    QJsonObject mapsJson, topJson;
    for (int c = 0; c < e->channels.size(); ++c) {
        QJsonArray rows;
        for (int r = 0; r < g; ++r) {
            QJsonArray row;
            for (int col = 0; col < g; ++col)
                row.append(number(maps[c][static_cast<std::size_t>(r * g + col)]));
            rows.append(row);
        }
        mapsJson.insert(e->channels[c], rows);
        QJsonArray top;
        for (const CellMatch &m : topMatches(*e, maps[c], topK))
            top.append(QJsonObject{{QStringLiteral("cell"), rowCol(*e, m.cell)},
                                   {QStringLiteral("index"), m.cell},
                                   {QStringLiteral("hpc"), point(m.hpc)},
                                   {QStringLiteral("score"), number(m.score)}});
        topJson.insert(e->channels[c], top);
    }
    QJsonArray queryCells, onDisk;
    for (int c : cells)
        queryCells.append(rowCol(*e, c));
    for (int r = 0; r < g && !e->onDisk.empty(); ++r) {
        QJsonArray row;
        for (int col = 0; col < g; ++col)
            row.append(static_cast<int>(e->onDisk[static_cast<std::size_t>(r * g + col)]));
        onDisk.append(row);
    }
    if (p.json()) {
        printJson(QJsonObject{
            {QStringLiteral("grid"), g},
            {QStringLiteral("dim"), e->dim},
            {QStringLiteral("time"), isoOrNull(QDateTime::fromMSecsSinceEpoch(e->timeMs, QTimeZone::utc()))},
            {QStringLiteral("query_hpc"), point(at)},
            {QStringLiteral("query_channel"), channel},
            {QStringLiteral("query_cell"), rowCol(*e, cell)},
            {QStringLiteral("query_cells"), queryCells},
            {QStringLiteral("query_cell_hpc"), point(e->cellCentreHpc[static_cast<std::size_t>(cell)])},
            {QStringLiteral("channels"), QJsonArray::fromStringList(e->channels)},
            {QStringLiteral("files"), QJsonArray::fromStringList(e->files)},
            {QStringLiteral("maps"), mapsJson},
            {QStringLiteral("top"), topJson},
            {QStringLiteral("on_disk"), onDisk},
            {QStringLiteral("disk_coverage"), e->diskCoverage},
            {QStringLiteral("frame_data_fraction"), e->frameDataFraction},
            {QStringLiteral("rsun_arcsec"), e->rsunArcsec},
            {QStringLiteral("note"), e->note},
            {QStringLiteral("model"), model->path},
            {QStringLiteral("model_hash"), model->hash},
            {QStringLiteral("prep_seconds"), e->prepSeconds},
            {QStringLiteral("encode_seconds"), e->encodeSeconds},
            {QStringLiteral("seconds"), seconds}});
    } else {
        QTextStream out(stdout);
        const ModelCell qcell = e->cellOf(cell);
        out << "query: " << channel << " cell [" << qcell.row << ", " << qcell.col << "] at (" << qx << ", " << qy
            << ") arcsec" << (box ? QStringLiteral(", box of %1 cells").arg(cells.size()) : QString()) << "\n";
        for (int c = 0; c < e->channels.size(); ++c) {
            out << e->channels[c] << ":";
            for (const CellMatch &m : topMatches(*e, maps[c], std::min(topK, 5))) {
                const ModelCell mc = e->cellOf(m.cell);
                out << " [" << mc.row << "," << mc.col << "] " << QString::number(m.score, 'f', 3);
            }
            out << "\n";
        }
        if (!e->note.isEmpty())
            out << "note: " << e->note << "\n";
    }
    return kOk;
}

const Registration reg(kName, QStringLiteral("cosine similarity maps of a model cell against every cell of each channel of a set"),
                       runSimilarity);

}  // namespace

}  // namespace solarchip::cli
