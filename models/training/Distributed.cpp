#include "models/training/Distributed.h"

namespace solarchip {

namespace {

bool readInt(const QProcessEnvironment &env, const QString &name, int *out, QString *problem)
{
    if (!env.contains(name))
        return false;
    bool ok = false;
    const int v = env.value(name).trimmed().toInt(&ok);
    if (!ok)
        *problem = QStringLiteral("%1='%2' is not an integer").arg(name, env.value(name));
    else
        *out = v;
    return ok;
}

}  // namespace

QString firstSlurmHost(const QString &nodeList)
{
    // The first entry ends at the first comma outside brackets.
    QString first;
    int depth = 0;
    for (QChar c : nodeList.trimmed()) {
        if (c == QLatin1Char('['))
            ++depth;
        else if (c == QLatin1Char(']'))
            --depth;
        else if (c == QLatin1Char(',') && depth == 0)
            break;
        first += c;
    }
    const int open = first.indexOf(QLatin1Char('['));
    if (open < 0)
        return first;
    const int close = first.indexOf(QLatin1Char(']'), open);
    // Inside the brackets: the first item of the first comma-separated range ("03-05" -> "03").
    QString range = first.mid(open + 1, close < 0 ? -1 : close - open - 1).section(QLatin1Char(','), 0, 0);
    range = range.section(QLatin1Char('-'), 0, 0);
    return first.left(open) + range + (close < 0 ? QString() : first.mid(close + 1));
}

Expected<DistributedEnv> DistributedEnv::fromEnvironment(const QProcessEnvironment &env)
{
    DistributedEnv d;
    QString problem;
    int timeout = 0;
    if (readInt(env, QStringLiteral("SOLARCHIP_DIST_TIMEOUT_S"), &timeout, &problem) && timeout > 0)
        d.timeoutS = timeout;
    if (!problem.isEmpty())
        return Error{{}, problem};
    const bool torchrun = env.contains(QStringLiteral("RANK")) && env.contains(QStringLiteral("WORLD_SIZE"));
    const bool slurm = !torchrun && env.contains(QStringLiteral("SLURM_PROCID")) && env.contains(QStringLiteral("SLURM_NTASKS"));
    if (!torchrun && !slurm)
        return d;
    if (torchrun) {
        d.source = QStringLiteral("env");
        readInt(env, QStringLiteral("RANK"), &d.rank, &problem);
        if (problem.isEmpty())
            readInt(env, QStringLiteral("WORLD_SIZE"), &d.worldSize, &problem);
        if (problem.isEmpty() && !readInt(env, QStringLiteral("LOCAL_RANK"), &d.localRank, &problem) && problem.isEmpty())
            d.localRank = d.rank;
        if (problem.isEmpty() && d.worldSize > 1 && !env.contains(QStringLiteral("MASTER_ADDR")))
            problem = QStringLiteral("RANK and WORLD_SIZE are set but MASTER_ADDR is not (the host of rank 0)");
    } else {
        d.source = QStringLiteral("slurm");
        readInt(env, QStringLiteral("SLURM_PROCID"), &d.rank, &problem);
        if (problem.isEmpty())
            readInt(env, QStringLiteral("SLURM_NTASKS"), &d.worldSize, &problem);
        if (problem.isEmpty())
            readInt(env, QStringLiteral("SLURM_LOCALID"), &d.localRank, &problem);
        const QString nodes = env.value(QStringLiteral("SLURM_STEP_NODELIST"), env.value(QStringLiteral("SLURM_NODELIST")));
        if (problem.isEmpty() && !env.contains(QStringLiteral("MASTER_ADDR"))) {
            if (nodes.trimmed().isEmpty() && d.worldSize > 1)
                problem = QStringLiteral("SLURM_PROCID and SLURM_NTASKS are set but neither MASTER_ADDR nor SLURM_NODELIST is");
            else if (!nodes.trimmed().isEmpty())
                d.masterAddr = firstSlurmHost(nodes);
        }
    }
    if (problem.isEmpty() && env.contains(QStringLiteral("MASTER_ADDR")))
        d.masterAddr = env.value(QStringLiteral("MASTER_ADDR")).trimmed();
    if (problem.isEmpty() && readInt(env, QStringLiteral("MASTER_PORT"), &d.masterPort, &problem)
        && (d.masterPort <= 0 || d.masterPort > 65535))
        problem = QStringLiteral("MASTER_PORT=%1 is not a TCP port").arg(d.masterPort);
    if (problem.isEmpty() && d.worldSize < 1)
        problem = QStringLiteral("the world size (%1) must be at least 1").arg(d.worldSize);
    if (problem.isEmpty() && (d.rank < 0 || d.rank >= d.worldSize))
        problem = QStringLiteral("rank %1 is outside the world of %2 processes").arg(d.rank).arg(d.worldSize);
    if (!problem.isEmpty())
        return Error{{}, QStringLiteral("distributed launch: ") + problem};
    return d;
}

}  // namespace solarchip
