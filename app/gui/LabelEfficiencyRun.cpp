#include "app/gui/LabelEfficiencyRun.h"

#include "core/archive/FlareLabels.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

}  // namespace

QStringList LowLabelChoices::strategies() const
{
    QStringList s;
    if (frozen)
        s << QStringLiteral("frozen");
    if (finetune)
        s << QStringLiteral("finetune");
    s << QStringLiteral("scratch");
    return s;
}

int LowLabelChoices::headCount() const
{
    return int(budgets.size()) * int(strategies().size()) * seeds;
}

int LowLabelChoices::encoderTrainings() const
{
    return int(budgets.size()) * (finetune ? 2 : 1) * seeds;
}

std::optional<SplitDays> splitForSpan(double spanDays, double windowHours)
{
    // Five full blocks (train, train, validation, train, test) need 5 x 60 days with the defaults.
    if (!(spanDays > 0) || spanDays >= 5 * FlareSplitOptions().blockDays)
        return std::nullopt;
    // A fifth of the span per block; buffers as long as the label window at least (no flare seen on both sides).
    const FlareSplitOptions o = flareSplitOfSpan(spanDays, 5, windowHours);
    SplitDays d;
    d.blockDays = o.blockDays;
    d.bufferDays = o.bufferDays;
    if (d.bufferDays >= d.blockDays)
        d.bufferDays = 0.5 * d.blockDays;  // the command refuses buffer >= block; it then says the span is too short
    return d;
}

QStringList labelEfficiencyArguments(const LowLabelChoices &c, bool withStrategies)
{
    QStringList budgets;
    for (double b : c.budgets)
        budgets << number(b);
    QStringList a{QStringLiteral("label-efficiency"), QStringLiteral("--archive"), c.archive,
                  QStringLiteral("--target"), c.target, QStringLiteral("--window-hours"), number(c.windowHours),
                  QStringLiteral("--budgets"), budgets.join(QLatin1Char(',')),
                  QStringLiteral("--seeds"), QString::number(c.seeds)};
    if (withStrategies)  // builds with --strategies have the fine-tuning options too
        a << QStringLiteral("--strategies") << c.strategies().join(QLatin1Char(',')) << QStringLiteral("--finetune-epochs")
          << QString::number(c.finetuneEpochs) << QStringLiteral("--finetune-steps") << QString::number(c.finetuneSteps);
    if (!c.model.isEmpty())
        a << QStringLiteral("--model") << c.model;
    if (const auto split = splitForSpan(c.spanDays, c.windowHours))
        a << QStringLiteral("--block-days") << number(split->blockDays) << QStringLiteral("--buffer-days")
          << number(split->bufferDays);
    a << QStringLiteral("--threads") << QString::number(c.threads) << QStringLiteral("--out") << c.outDir
      << QStringLiteral("--json");
    return a;
}

QString EfficiencyPoint::key() const
{
    return QStringLiteral("%1/%2/%3").arg(strategy, number(budget)).arg(seed);
}

QJsonObject EfficiencyPoint::toJson() const
{
    QJsonObject o{{QStringLiteral("strategy"), strategy}, {QStringLiteral("budget"), budget},
                  {QStringLiteral("seed"), seed}, {QStringLiteral("skipped"), skipped}};
    if (skipped) {
        o.insert(QStringLiteral("reason"), reason);
    } else {
        o.insert(QStringLiteral("tss"), tss);
        o.insert(QStringLiteral("tss_ci95"), QJsonArray{tssLo, tssHi});
        o.insert(QStringLiteral("auc"), auc);
        o.insert(QStringLiteral("bss"), bss);
    }
    o.insert(QStringLiteral("run"), runDir);
    return o;
}

namespace {

// tss, tss_ci95, auc and bss of an event into `p` (keys with `prefix`: "" for the point's, "flux_" for its flux
// baseline's); false when it has no TSS.
bool readMetrics(const QJsonObject &e, const QString &prefix, EfficiencyPoint &p)
{
    const QJsonValue tss = e.value(prefix + QStringLiteral("tss"));
    if (!tss.isDouble())
        return false;
    p.tss = tss.toDouble();
    const QJsonArray ci = e.value(prefix + QStringLiteral("tss_ci95")).toArray();
    p.tssLo = ci.size() == 2 ? ci.at(0).toDouble() : p.tss;
    p.tssHi = ci.size() == 2 ? ci.at(1).toDouble() : p.tss;
    p.auc = e.value(prefix + QStringLiteral("auc")).toDouble(std::nan(""));
    p.bss = e.value(prefix + QStringLiteral("bss")).toDouble(std::nan(""));
    return true;
}

}  // namespace

std::optional<EfficiencyPoint> parseEfficiencyEvent(const QJsonObject &e)
{
    const QString event = e.value(QStringLiteral("event")).toString();
    EfficiencyPoint p;
    p.budget = e.value(QStringLiteral("budget")).toDouble();
    p.done = e.value(QStringLiteral("done")).toInt(-1);
    p.total = e.value(QStringLiteral("total")).toInt(-1);
    if (event == QLatin1String("point") || event == QLatin1String("skipped")) {
        p.strategy = e.value(QStringLiteral("strategy")).toString();
        p.seed = e.value(QStringLiteral("seed")).toInt(-1);
        p.trainPositives = e.value(QStringLiteral("n_train_pos")).toInt(-1);
        p.trainNegatives = e.value(QStringLiteral("n_train_neg")).toInt(-1);
        p.runDir = e.value(QStringLiteral("run")).toString();
        if (event == QLatin1String("skipped") || !readMetrics(e, {}, p)) {
            p.skipped = true;
            p.reason = e.value(QStringLiteral("reason")).toString();
            if (p.reason.isEmpty())
                p.reason = e.value(QStringLiteral("error")).toString();
        }
        if (p.strategy.isEmpty())
            return std::nullopt;
        return p;
    }
    if (event == QLatin1String("budget")) {  // command builds without --strategies: a mean over seeds
        p.strategy = e.value(QStringLiteral("curve")).toString();
        if (p.strategy.isEmpty())
            return std::nullopt;
        if (!readMetrics(e, {}, p)) {
            p.skipped = true;
            p.reason = QStringLiteral("no seed could be trained at this budget");
        }
        return p;
    }
    return std::nullopt;
}

std::optional<EfficiencyPoint> fluxBaselineOfEvent(const QJsonObject &e)
{
    if (e.value(QStringLiteral("event")).toString() != QLatin1String("point")
        || e.value(QStringLiteral("strategy")).toString() != QLatin1String("frozen") || !e.value(QStringLiteral("flux_tss")).isDouble())
        return std::nullopt;
    EfficiencyPoint p;
    p.strategy = QStringLiteral("unsigned_flux");
    p.budget = e.value(QStringLiteral("budget")).toDouble();
    p.seed = e.value(QStringLiteral("seed")).toInt(-1);
    readMetrics(e, QStringLiteral("flux_"), p);
    p.trainPositives = e.value(QStringLiteral("n_train_pos")).toInt(-1);
    p.trainNegatives = e.value(QStringLiteral("n_train_neg")).toInt(-1);
    return p;
}

int efficiencyTotal(const QJsonObject &event)
{
    if (event.value(QStringLiteral("event")).toString() != QLatin1String("start"))
        return -1;
    return event.value(QStringLiteral("points")).toInt(-1);
}

QVector<EfficiencyPoint> readEfficiencyPoints(const QString &outDir)
{
    QVector<EfficiencyPoint> points;
    QHash<QString, int> seen;
    auto add = [&](const EfficiencyPoint &p) {
        const auto it = seen.constFind(p.key());
        if (it != seen.constEnd())
            points[*it] = p;  // a later line (a recomputed point) wins
        else {
            seen.insert(p.key(), int(points.size()));
            points << p;
        }
    };
    QFile lines(QDir(outDir).filePath(QStringLiteral("points.jsonl")));
    if (lines.open(QIODevice::ReadOnly)) {
        while (!lines.atEnd()) {
            const QByteArray line = lines.readLine().trimmed();
            if (!line.startsWith('{'))
                continue;  // a torn last line of a killed run
            QJsonObject o = QJsonDocument::fromJson(line).object();
            if (!o.contains(QStringLiteral("event")))
                o.insert(QStringLiteral("event"), o.value(QStringLiteral("skipped")).toBool() || o.contains(QStringLiteral("reason"))
                                                      ? QStringLiteral("skipped")
                                                      : QStringLiteral("point"));
            if (auto p = parseEfficiencyEvent(o))
                add(*p);
            if (auto f = fluxBaselineOfEvent(o))
                add(*f);
        }
        if (!points.isEmpty())
            return points;
    }
    QFile summary(QDir(outDir).filePath(QStringLiteral("label_efficiency.json")));
    if (!summary.open(QIODevice::ReadOnly))
        return points;
    const QJsonObject curves = QJsonDocument::fromJson(summary.readAll()).object().value(QStringLiteral("curves")).toObject();
    for (auto c = curves.begin(); c != curves.end(); ++c) {
        for (const QJsonValue &v : c.value().toArray()) {
            QJsonObject o = v.toObject();
            o.insert(QStringLiteral("event"), QStringLiteral("budget"));
            o.insert(QStringLiteral("curve"), c.key());
            if (auto p = parseEfficiencyEvent(o)) {
                if (p->skipped && o.contains(QStringLiteral("error")))
                    p->reason = o.value(QStringLiteral("error")).toString();
                add(*p);
            }
        }
    }
    return points;
}

}  // namespace solarchip
