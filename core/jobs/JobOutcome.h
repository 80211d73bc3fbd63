#pragma once
// How a job's run ended, from what the app can see without having been its parent: the exit status the
// supervisor recorded, the stop the user asked for, and the job's log (its one-line JSON events and the CLI's
// "solarchip CMD: FILE: problem" messages). Shared by JobRunner (a run it watched end) and
// JobDatabase::recoverAfterRestart (a run that ended while the app was closed).

#include "core/jobs/JobDatabase.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace solarchip {

struct JobOutcome {
    JobState state = JobState::Finished;
    QString message;
    QString failedFile;
};

/// The last `maxBytes` of a file, cut at a line start (empty when unreadable).
QByteArray readFileTail(const QString &path, qint64 maxBytes = 64 * 1024);
/// The last one-line JSON event ({"event": ...}) in `text` (empty: none).
QJsonObject lastJsonEvent(const QByteArray &text);
/// The last `count` lines of `text` that are not JSON events (what the CLI said in words).
QStringList lastPlainLines(const QByteArray &text, int count);
/// The file a CLI error line names ("solarchip pretrain: /a/b.fits: truncated" -> "/a/b.fits"; empty: none).
QString failedFileOf(const QStringList &lines);
/// The state and message a run ends in: `exitCode` as recorded (128 + N for signal N), `job.stopRequest` as
/// asked, `logTail` the end of its log.
JobOutcome jobOutcome(const JobRecord &job, int exitCode, const QByteArray &logTail);
/// "step 120/400, loss 3.21" style summary of an event (empty for none).
QString describeJobEvent(const QJsonObject &event);

}  // namespace solarchip
