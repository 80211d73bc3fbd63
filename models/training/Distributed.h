#pragma once
// Multi-process data-parallel training: who this process is in the job (torch-free; the process group itself
// lives in detail/DistributedContext.h).
//
// A job is WORLD_SIZE copies of `solarchip pretrain` (one per rank), started by `solarchip pretrain --nproc N`
// on one machine, by srun on a Slurm cluster, or by any launcher that sets the usual variables. They meet
// through a c10d TCPStore served by rank 0 at MASTER_ADDR:MASTER_PORT, then talk through ProcessGroupGloo
// (CPU) or ProcessGroupNCCL (CUDA, when the LibTorch has it). Each step every rank trains on its own slice of
// the global batch; gradients are summed across ranks and divided by the world size (Trainer.h says why the
// result is the single-process gradient of the global batch).

#include "core/base/Expected.h"

#include <QProcessEnvironment>
#include <QString>

namespace solarchip {

struct DistributedEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;          ///< rank within the node (selects cuda:LOCAL_RANK)
    QString masterAddr = QStringLiteral("127.0.0.1");
    int masterPort = 29500;
    QString source;             ///< "env" (MASTER_ADDR/RANK/WORLD_SIZE), "slurm", or empty (single process)
    int timeoutS = 1800;        ///< rendezvous and collective timeout (SOLARCHIP_DIST_TIMEOUT_S)

    bool active() const { return worldSize > 1; }

    /// From RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT when RANK and WORLD_SIZE are set (what
    /// torchrun and `solarchip pretrain --nproc` export); otherwise from Slurm's SLURM_PROCID, SLURM_NTASKS,
    /// SLURM_LOCALID and the first host of SLURM_NODELIST (MASTER_ADDR / MASTER_PORT still win when set).
    /// Neither: a single process (worldSize 1). Inconsistent values come back as an Error naming the variable.
    static Expected<DistributedEnv> fromEnvironment(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
};

/// The first host of a Slurm node list: "node[03-05,9],gpu1" -> "node03"; "a,b" -> "a"; "host" -> "host".
/// Zero padding of a range is kept as written ("n[007-9]" -> "n007").
QString firstSlurmHost(const QString &nodeList);

/// True when this build can run a multi-process job on `cuda` (NCCL) or the CPU (Gloo).
bool distributedBackendAvailable(bool cuda);

}  // namespace solarchip
