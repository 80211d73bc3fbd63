#pragma once
// How `solarchip pretrain` runs beyond one process (the training itself: models/training/Trainer.h and
// Distributed.h).
//
// --nproc N: this process becomes a launcher (what torchrun is for Python users). It starts N copies of
// `solarchip pretrain` with the same arguments (minus --nproc) and the rendezvous variables MASTER_ADDR
// (127.0.0.1), MASTER_PORT (a free port, or the caller's MASTER_PORT), RANK, LOCAL_RANK and WORLD_SIZE; rank 0's
// stdout (the JSON-lines metrics) and every rank's stderr come through. It then watches them: when one exits
// with an error or is killed, the others are stopped (SIGTERM, then SIGKILL after a grace period), the job fails
// with a message naming the rank, and `--resume` continues from the last checkpoint. The workers die with the
// launcher (PR_SET_PDEATHSIG), so a killed launcher leaves no orphans; SIGINT/SIGTERM to the launcher are passed
// on (the workers checkpoint and stop at the same step).
//
// --slurm-script FILE --nodes N --tasks-per-node T --gpus-per-node G [--time] [--partition]: writes a Slurm
// batch script that runs the same pretraining on N x T tasks with srun (each task reads its rank from Slurm's
// variables) instead of running it.

#include <QString>
#include <QStringList>

namespace solarchip::cli {

/// `args` without the given options, in either form (`--name value` or `--name=value`; `flags` take no value).
QStringList withoutOptions(const QStringList &args, const QStringList &valued, const QStringList &flags = {});

/// `text` as one shell word: as is when it is made of safe characters, else single-quoted.
QString shellQuote(const QString &text);

/// Runs `solarchip pretrain <workerArgs>` as `nproc` local workers and returns the exit code of the job (0 when
/// all workers finished cleanly). `runDir` is for the messages (last checkpoint); `quiet`: no launcher JSON lines.
int launchLocalWorkers(int nproc, const QStringList &workerArgs, const QString &runDir, bool quiet);

struct SlurmScriptOptions {
    QString file;
    int nodes = 1;
    int tasksPerNode = 1;
    int gpusPerNode = 0;
    QString time;       ///< HH:MM:SS or D-HH:MM:SS; empty: the partition's default
    QString partition;  ///< empty: the cluster's default
    QString device;     ///< the run's --device (auto, cpu, cuda, cuda:N)
    int threads = 0;    ///< the run's --threads (cpus-per-task when > 0)
    int perProcessBatch = 8;
};

/// The srun line of the script (also what the tests compare against).
QString slurmSrunLine(const SlurmScriptOptions &o, const QString &program, const QStringList &pretrainArgs);

/// Checks the options (an error message, empty when fine) and collects warnings (GPUs asked from a build
/// without CUDA/NCCL, more GPUs than tasks...).
QString checkSlurmOptions(const SlurmScriptOptions &o, QStringList *warnings);

/// Writes the script atomically (executable). `pretrainArgs`: the run's arguments after "pretrain", without
/// the Slurm and --nproc options. Returns an error message, empty when written.
QString writeSlurmScript(const SlurmScriptOptions &o, const QString &program, const QStringList &pretrainArgs,
                         const QStringList &warnings);

}  // namespace solarchip::cli
