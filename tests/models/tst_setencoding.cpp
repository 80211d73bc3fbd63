// models/inference/SetEncoding: a set prepared as the model was trained and encoded, with its cell geometry, and
// the similarity helpers behind the heatmaps and `solarchip similarity`.
//   - a cell's own similarity is its peak (every cell with data, self maps);
//   - a feature moved by k cells moves its best match by k cells (synthetic blob), and a real cut-out cropped
//     k cells further along gives the same heatmap shifted by k cells (astropy writes the crops);
//   - a single map encodes its channel only and says so; a real cut-out is framed on itself, not on a fake disk;
//   - `solarchip similarity --json` against numpy over the vectors `solarchip embed` stored, the query cell
//     from the model frame's definition with astropy (tests/reference/similarity_reference.py);
//   - bad input: off the disk, outside the image, model channels the archive lacks.
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "models/inference/SetEncoding.h"
#include "models/networks/TrainedModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {


int argmax(const std::vector<float> &m)
{
    int best = -1;
    for (int i = 0; i < static_cast<int>(m.size()); ++i)
        if (std::isfinite(m[i]) && (best < 0 || m[i] > m[best]))
            best = i;
    return best;
}

// The helioprojective centre of cell (row, col) of the fake AIA map's model frame (256 px at 9.6"/px, disk
// centre at the array centre: the input frame is the map itself; cells of 16 px).
QPointF fakeCellCentre(int row, int col)
{
    return {(col * 16 + 7.5 - 127.5) * 9.6, (row * 16 + 7.5 - 127.5) * 9.6};
}

}  // namespace

class TestSetEncoding : public QObject {
    Q_OBJECT
private:
    std::optional<TrainedModel> m_model;
    QTemporaryDir m_dir = test::scratchDir();

    QString writeMap(const QString &name, const test::FakeMap &m)
    {
        const QString path = m_dir.filePath(name);
        const Status s = test::writeFakeMap(path, m);
        if (!s)
            qWarning() << s.errorString();
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto m = TrainedModel::load(test::fixtureModelPath());
        QVERIFY2(m, qPrintable(m.errorString()));
        m_model = std::move(*m);
        QVERIFY(m_dir.isValid());
    }

    void ownCellIsItsPeak()
    {
        const QDateTime t(QDate(2011, 6, 7), QTime(6, 0), QTimeZone::utc());
        const std::vector<test::Blob> blobs{{-384, 230.4, 400, 40}, {300, -200, 250, 60}};
        const QString aia = writeMap(QStringLiteral("peak_171.fits"), test::fakeAia(blobs, t));
        const QString hmi = writeMap(QStringLiteral("peak_hmi.fits"), test::fakeHmi(blobs, t));
        auto set = observationSetOfFiles({aia, hmi});
        QVERIFY2(set, qPrintable(set.errorString()));
        EncodeSetOptions o;
        o.useCache = false;
        auto e = encodeObservationSet(*m_model, *set, o);
        QVERIFY2(e, qPrintable(e.errorString()));
        QCOMPARE(e->channels, (QStringList{QStringLiteral("hmi"), QStringLiteral("171")}));
        QCOMPARE(e->grid, 16);
        QCOMPARE(static_cast<int>(e->patches.size()), 2 * 256 * e->dim);
        QVERIFY2(e->note.isEmpty(), qPrintable(e->note));
        QVERIFY(e->diskCoverage > 0.99);
        const int aiaIndex = e->channelIndex(QStringLiteral("171")), hmiIndex = e->channelIndex(QStringLiteral("hmi"));
        int checked = 0;
        for (int cell = 0; cell < e->cells(); ++cell) {
            // The geometry round-trips: the cell at a cell's centre is that cell, and the centre is the closed form.
            QCOMPARE(e->cellAt(e->cellCentreHpc[cell]), cell);
            const QPointF want = fakeCellCentre(cell / 16, cell % 16);
            QVERIFY(std::abs(e->cellCentreHpc[cell].x() - want.x()) < 0.5 && std::abs(e->cellCentreHpc[cell].y() - want.y()) < 0.5);
            for (int c : {aiaIndex, hmiIndex}) {
                if (!e->cellHasData(c, cell))
                    continue;
                const auto maps = similarityMaps(*e, queryVector(*e, c, {cell}));
                QCOMPARE(argmax(maps[c]), cell);
                QVERIFY(std::abs(maps[c][cell] - 1.0f) < 1e-4f);
                ++checked;
            }
        }
        // HMI has no data off the disk: those cells are flagged, never compared.
        int hmiBlank = 0;
        for (int cell = 0; cell < e->cells(); ++cell)
            hmiBlank += e->cellHasData(hmiIndex, cell) ? 0 : 1;
        QVERIFY2(hmiBlank > 40, qPrintable(QString::number(hmiBlank)));
        QVERIFY(checked > 300);
        // topMatches: the query first.
        const int q = e->cellAt(QPointF(-384, 230.4));
        QCOMPARE(q, 9 * 16 + 5);
        const auto top = topMatches(*e, similarityMaps(*e, queryVector(*e, aiaIndex, {q}))[aiaIndex], 5);
        QCOMPARE(static_cast<int>(top.size()), 5);
        QCOMPARE(top.front().cell, q);
        // A box: the cells whose centres lie in it, and their mean as the query.
        const auto box = e->cellsInBox(QPointF(-384, 230.4), 320, 160);
        QCOMPARE(box, (std::vector<int>{9 * 16 + 4, 9 * 16 + 5, 9 * 16 + 6}));
    }

    void movedFeatureMovesItsMatch()
    {
        // A bright blob at cell (9, 5), then the same blob k = 2 cells further west: the best match of the first
        // set's blob cell in the second set is (9, 7).
        const QDateTime t(QDate(2011, 6, 7), QTime(7, 0), QTimeZone::utc());
        const QPointF at = fakeCellCentre(9, 5), moved = fakeCellCentre(9, 7);
        const QString a = writeMap(QStringLiteral("shift_a.fits"), test::fakeAia({{at.x(), at.y(), 500, 45}}, t));
        const QString b = writeMap(QStringLiteral("shift_b.fits"), test::fakeAia({{moved.x(), moved.y(), 500, 45}}, t));
        EncodeSetOptions o;
        o.useCache = false;
        auto ea = encodeObservationSet(*m_model, *observationSetOfFiles({a}), o);
        auto eb = encodeObservationSet(*m_model, *observationSetOfFiles({b}), o);
        QVERIFY2(ea && eb, qPrintable(ea ? eb.errorString() : ea.errorString()));
        QCOMPARE(ea->channels, QStringList{QStringLiteral("171")});
        // One file opened on its own: the model's other channel was not loaded with it (not "missing" from an
        // archive that may well have it).
        QVERIFY2(ea->note.contains(QStringLiteral("self-similarity"))
                     && ea->note.contains(QStringLiteral("hmi not loaded, the set was opened with 171 only"))
                     && !ea->note.contains(QStringLiteral("has no")),
                 qPrintable(ea->note));
        {
            // Asked with both channels but only one file near the time: that one is missing.
            ObservationSet asked = *observationSetOfFiles({a});
            asked.channels = QStringList{QStringLiteral("hmi"), QStringLiteral("171")};
            asked.members = {Observation{}, asked.members.first()};  // members follow the channels' order
            auto partial = encodeObservationSet(*m_model, asked, o);
            QVERIFY2(partial.ok(), qPrintable(partial.errorString()));
            QVERIFY2(partial->note.contains(QStringLiteral("encoded 171 only: the set has no hmi (self-similarity")),
                     qPrintable(partial->note));
        }
        const int qa = ea->cellAt(at);
        QCOMPARE(qa, 9 * 16 + 5);
        const auto q = queryVector(*ea, 0, {qa});
        QCOMPARE(argmax(similarityMaps(*ea, q)[0]), qa);
        QCOMPARE(argmax(similarityMaps(*eb, q)[0]), 9 * 16 + 7);
    }

    void realCutoutShiftedByACellShiftsTheHeatmap()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString src = test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits"));
        // 704 x 704 crops: cells of 44 file pixels (704 / 16); B starts 44 px (one cell) further west.
        const QString a = m_dir.filePath(QStringLiteral("cut_a.fits")), b = m_dir.filePath(QStringLiteral("cut_b.fits"));
        for (const auto &[out, x0] : {std::pair{a, 0}, std::pair{b, 44}}) {
            auto r = test::runPython(QStringLiteral("crop_fits.py"),
                                     {src, out, QString::number(x0), QStringLiteral("0"), QStringLiteral("704"), QStringLiteral("704")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        // The heatmap's shape must survive the shift: that needs cell vectors that tell cells apart, which the
        // untrained fixture's do not (its maps are nearly flat: correlation 0.73 here, 0.77 at full width). This
        // one test uses the shipped default (models/default) with its prep framing the image instead of a fixed
        // disk radius (disk_radius_fraction 0): as shipped it frames the solar disk at 0.8 of the half side, so this
        // cut-out would fill 12 of its 256 cells (frame data fraction 0.047; the shift's correlation over those
        // 0.51). Framed on the image, the convolutional encoder sees the loops 5.7x larger than in training and
        // still maps them shift-equivariantly: correlation 0.964, mean difference 0.066 (measured).
        auto trained = TrainedModel::load(test::sourceDir() + QStringLiteral("/models/default/solarchip-tiny-default.safetensors"));
        QVERIFY2(trained, qPrintable(trained.errorString()));
        trained->prep.diskRadiusFraction = 0;
        EncodeSetOptions o;
        o.useCache = false;
        auto ea = encodeObservationSet(*trained, *observationSetOfFiles({a}), o);
        auto eb = encodeObservationSet(*trained, *observationSetOfFiles({b}), o);
        QVERIFY2(ea && eb, qPrintable(ea ? eb.errorString() : ea.errorString()));
        // A cut-out is framed on itself: every cell has data, and only part of the disk is covered (said so).
        QVERIFY(ea->frameDataFraction > 0.99);
        QVERIFY2(ea->diskCoverage < 0.15 && ea->diskCoverage > 0.02, qPrintable(QString::number(ea->diskCoverage)));
        QVERIFY2(ea->note.contains(QStringLiteral("of the solar disk")), qPrintable(ea->note));
        // The same sky point (the cut-out's bright loops) is one cell further east in B.
        const QPointF p(150, -240);
        const int ca = ea->cellAt(p), cb = eb->cellAt(p);
        QVERIFY(ca >= 0 && cb >= 0);
        QCOMPARE(cb / 16, ca / 16);
        QCOMPARE(cb % 16, ca % 16 - 1);
        const auto ha = similarityMaps(*ea, queryVector(*ea, 0, {ca}))[0];
        const auto hb = similarityMaps(*eb, queryVector(*eb, 0, {cb}))[0];
        // hb[r][c] == ha[r][c + 1] up to what the shift changes: a column of new sky enters at the edge, and the
        // encoder's middle block attends globally, so every cell moves a little (measured: mean 0.066). The pattern
        // must be the same: correlation over all 16 x 15 shared cells (0.73 for the untrained fixture).
        double sumA = 0, sumB = 0, sumAA = 0, sumBB = 0, sumAB = 0, sumDiff = 0;
        int n = 0;
        for (int r = 0; r < 16; ++r)
            for (int c = 0; c < 15; ++c) {
                const double x = ha[r * 16 + c + 1], y = hb[r * 16 + c];
                sumA += x, sumB += y, sumAA += x * x, sumBB += y * y, sumAB += x * y, sumDiff += std::abs(x - y);
                ++n;
            }
        const double corr = (sumAB / n - sumA / n * sumB / n)
                            / std::sqrt((sumAA / n - sumA / n * sumA / n) * (sumBB / n - sumB / n * sumB / n));
        QVERIFY2(corr > 0.95, qPrintable(QStringLiteral("correlation %1").arg(corr)));
        QVERIFY2(sumDiff / n < 0.08, qPrintable(QStringLiteral("mean difference %1").arg(sumDiff / n)));
        // Shifted back, the best cells agree: B's best match is A's, one cell east.
        QCOMPARE(argmax(hb), argmax(ha) - 1);
    }

    void realSingleMapAndOffFrameQueries()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto set = observationSetOfFiles({test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"))});
        QVERIFY2(set, qPrintable(set.errorString()));
        EncodeSetOptions o;
        o.useCache = false;
        auto e = encodeObservationSet(*m_model, *set, o);
        QVERIFY2(e, qPrintable(e.errorString()));
        QCOMPARE(e->channels, QStringList{QStringLiteral("171")});
        QVERIFY(e->diskCoverage > 0.99);
        QCOMPARE(e->cellAt(QPointF(5000, 0)), -1);  // outside the image
        // The model has no 304: a clear error naming the file.
        auto other = observationSetOfFiles({test::sdoFile(QStringLiteral("fits/AIA20220402_131341_0304.fits"))});
        QVERIFY(other);
        auto none = encodeObservationSet(*m_model, *other, o);
        QVERIFY(!none);
        QVERIFY2(none.errorString().contains(QStringLiteral("AIA20220402_131341_0304.fits"))
                     && none.errorString().contains(QStringLiteral("none of the model's channels")),
                 qPrintable(none.errorString()));
        o.requireAll = true;
        auto partial = encodeObservationSet(*m_model, *set, o);
        QVERIFY(!partial);
        QVERIFY2(partial.errorString().contains(QStringLiteral("lacks the model's channel(s) hmi")), qPrintable(partial.errorString()));
    }

    void cliMatchesNumpyOverTheEmbeddings()
    {
        // A two-file archive (the fake pair: no `solarchip synth` run, the test stays short).
        const QString archive = m_dir.filePath(QStringLiteral("archive"));
        QVERIFY(QDir().mkpath(archive + QStringLiteral("/171")) && QDir().mkpath(archive + QStringLiteral("/hmi")));
        const QDateTime t(QDate(2013, 6, 1), QTime(0, 0), QTimeZone::utc());
        const std::vector<test::Blob> blobs{{-300, 200, 400, 40}, {300, -200, 250, 60}};
        QVERIFY(test::writeFakeMap(archive + QStringLiteral("/171/aia_171.fits"), test::fakeAia(blobs, t)));
        QVERIFY(test::writeFakeMap(archive + QStringLiteral("/hmi/hmi_m.fits"), test::fakeHmi(blobs, t)));
        const QString store = m_dir.filePath(QStringLiteral("store"));
        auto embed = test::run(test::binPath(QStringLiteral("solarchip")),
                               {QStringLiteral("embed"), QStringLiteral("--archive"), archive, QStringLiteral("--out"), store,
                                QStringLiteral("--model"), test::fixtureModelPath()});
        QVERIFY2(embed.exitCode == 0, embed.err.constData());
        auto sim = test::run(test::binPath(QStringLiteral("solarchip")),
                             {QStringLiteral("similarity"), QStringLiteral("--archive"), archive, QStringLiteral("--time"),
                              QStringLiteral("2013-06-01T00:00"), QStringLiteral("--at-hpc=-300,200"), QStringLiteral("--channel"),
                              QStringLiteral("171"), QStringLiteral("--model"), test::fixtureModelPath(), QStringLiteral("--json")});
        QVERIFY2(sim.exitCode == 0, sim.err.constData());
        const QJsonObject j = test::parseJson(sim.out).object();
        QCOMPARE(j[QStringLiteral("grid")].toInt(), 16);
        QCOMPARE(j[QStringLiteral("channels")].toArray().size(), 2);
        QCOMPARE(j[QStringLiteral("maps")].toObject()[QStringLiteral("171")].toArray().size(), 16);
        QCOMPARE(j[QStringLiteral("maps")].toObject()[QStringLiteral("171")].toArray()[0].toArray().size(), 16);
        // Its own cell first, at similarity 1.
        const QJsonArray top = j[QStringLiteral("top")].toObject()[QStringLiteral("171")].toArray();
        QCOMPARE(top[0].toObject()[QStringLiteral("cell")].toArray(), j[QStringLiteral("query_cell")].toArray());
        QVERIFY(std::abs(top[0].toObject()[QStringLiteral("score")].toDouble() - 1.0) < 1e-4);
        QString ref;
        for (const QJsonValue f : j[QStringLiteral("files")].toArray())
            if (f.toString().contains(QStringLiteral("171")))
                ref = f.toString();
        const QString simPath = m_dir.filePath(QStringLiteral("sim.json"));
        QFile out(simPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(sim.out);
        out.close();
        auto py = test::runPython(QStringLiteral("similarity_reference.py"),
                                  {store, simPath, ref, QStringLiteral("256"), QStringLiteral("2")});
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject r = test::parseJson(py.out).object();
        QCOMPARE(r[QStringLiteral("query_cell")].toArray(), j[QStringLiteral("query_cell")].toArray());
        QVERIFY2(r[QStringLiteral("max_abs_diff")].toDouble() < 1e-3, py.out.constData());
        QVERIFY2(r[QStringLiteral("nulls_off_disk")].toBool(), py.out.constData());
        QVERIFY2(r[QStringLiteral("null_cells")].toInt() > 0, py.out.constData());  // HMI off-disk cells
        QVERIFY2(r[QStringLiteral("top_order")].toBool(), py.out.constData());

        // Bad input: off the disk, outside the image, channels the archive lacks.
        auto offDisk = test::run(test::binPath(QStringLiteral("solarchip")),
                                 {QStringLiteral("similarity"), QStringLiteral("--archive"), archive, QStringLiteral("--time"),
                                  QStringLiteral("2013-06-01T00:00"), QStringLiteral("--at-hpc=1100,0"), QStringLiteral("--model"),
                                  test::fixtureModelPath()});
        QVERIFY(offDisk.exitCode != 0);
        QVERIFY2(offDisk.err.contains("off the solar disk") && offDisk.err.contains(".fits"), offDisk.err.constData());
        auto outside = test::run(test::binPath(QStringLiteral("solarchip")),
                                 {QStringLiteral("similarity"), QStringLiteral("--archive"), archive, QStringLiteral("--time"),
                                  QStringLiteral("2013-06-01T00:00"), QStringLiteral("--at-hpc=-90000,0"), QStringLiteral("--model"),
                                  test::fixtureModelPath()});
        QVERIFY(outside.exitCode != 0);
        QVERIFY2(outside.err.contains("outside the model frame"), outside.err.constData());
        const QString onlyAia = m_dir.filePath(QStringLiteral("only171"));
        QVERIFY(QDir().mkpath(onlyAia));
        QDirIterator it(archive + QStringLiteral("/171"), {QStringLiteral("*.fits")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString f = it.next();
            QFile::copy(f, onlyAia + QLatin1Char('/') + QFileInfo(f).fileName());
        }
        auto lacks = test::run(test::binPath(QStringLiteral("solarchip")),
                               {QStringLiteral("similarity"), QStringLiteral("--archive"), onlyAia, QStringLiteral("--time"),
                                QStringLiteral("2013-06-01T00:00"), QStringLiteral("--at-hpc=-300,200"), QStringLiteral("--model"),
                                test::fixtureModelPath()});
        QVERIFY(lacks.exitCode != 0);
        QVERIFY2(lacks.err.contains("no file of channel(s) hmi") && lacks.err.contains("only171"), lacks.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSetEncoding)
#include "tst_setencoding.moc"
