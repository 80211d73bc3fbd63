#pragma once
// What the translator tests (tst_translate, tst_translate_gpu) train on: a writeFakeArchive() of 8 sets 6 h apart
// and an untrained tiny hmi + 171 encoder (writeUntrainedTinyModel), with the tiny training options they start from.
#include "EmbeddingFixtures.h"
#include "EngineFixtures.h"

#include "models/translate/TranslatorTraining.h"

#include <QDir>

namespace solarchip::test {

struct TranslatorFixture {
    QString archive;  ///< dir/archive; empty when it could not be written
    QString encoder;  ///< dir/enc.safetensors; empty when it could not be written

    static TranslatorFixture write(const QString &dir)
    {
        TranslatorFixture f;
        const QString archive = dir + QStringLiteral("/archive");
        const QString encoder = dir + QStringLiteral("/enc.safetensors");
        if (!QDir().mkpath(archive) || !writeFakeArchive(archive, 8, 6.0) || !writeUntrainedTinyModel(encoder).ok())
            return f;
        f.archive = archive;
        f.encoder = encoder;
        return f;
    }

    /// A 32 px run into `outDir`, `steps` steps per stage, batch 4, 4 DDIM steps.
    TranslatorTrainOptions options(const QString &outDir, int steps) const
    {
        TranslatorTrainOptions o;
        o.archiveDir = archive;
        o.outDir = outDir;
        o.side = 32;
        o.meanSteps = steps;
        o.aeSteps = steps;
        o.baseSteps = steps;
        o.controlSteps = steps;
        o.batch = 4;
        o.ddimSteps = 4;
        return o;
    }
};

}  // namespace solarchip::test
