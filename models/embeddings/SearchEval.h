#pragma once
// The ground-truth retrieval metrics of archive search (what `solarchip eval-search` prints), on one channel's
// patch vectors of a synthetic archive whose truth says where every active region is at every time step:
//  - same_region_recall10: for each query cell on an active region, is the same region (at its own, rotated
//    position at the hit's time, from the truth) among the top-10 hits taken from other times (hits within
//    +-excludeHours of the query are dropped)? Queries whose region is on no other eligible time's disk are
//    not counted (no right answer exists).
//  - similar_class_precision10: of those top-10 hits, the fraction that lies on a region (of that time) of the
//    same flux class or the same flare productivity as the query's region. Hits on no region count as misses.
// "Lies on a region": the hit cell is within `matchCells` cells (Chebyshev distance) of the region's centre
// cell. Search is exact (inner product over every on-disk cell of every time, SimilarityIndex's flat index).
// Proportions come with n and the 95% Wilson interval (EvalSuite::wilson95), as eval-align --suite does.

#include "core/base/Expected.h"

#include <QJsonObject>
#include <QPointF>

#include <vector>

namespace solarchip {

struct SearchEvalRegion {
    int id = 0;
    int cell = -1;       ///< model cell of its centre (row * grid + col); -1: not in the frame
    int fluxClass = 0;   ///< e.g. 0 small, 1 medium, 2 large (fluxClassOf)
    int flareClass = 0;  ///< e.g. 0 quiet, 1 flare-productive (flareClassOf)
};

struct SearchEvalFrame {
    qint64 timeMs = 0;
    std::vector<uint8_t> onDisk;            ///< [g*g] cells that may be hits (and queries)
    std::vector<SearchEvalRegion> regions;  ///< visible regions with their cells
};

struct SearchEvalInput {
    int grid = 0;
    int dim = 0;
    std::vector<SearchEvalFrame> frames;
    std::vector<float> vectors;  ///< [frames, g*g, dim], unit rows (normalised here when not)
    double excludeHours = 12;
    int k = 10;
    int matchCells = 1;
};

struct SearchEvalMetrics {
    long long queries = 0;        ///< eligible queries (recall's n)
    long long recalled = 0;
    long long hits = 0;           ///< precision's n (queries * k, fewer when the archive is small)
    long long similarHits = 0;
    double recall10 = 0, precision10 = 0;
    /// same_region_recall10, _n, _ci95; similar_class_precision10, _n, _ci95; chance of each (a random on-disk
    /// cell of another time: fraction of cells on the same region's position / on a similar region).
    QJsonObject toJson() const;
    double recallChance = 0, precisionChance = 0;
};

/// Flux classes: < 1e22 Mx small, < 3e22 medium, else large. Flare productivity: C-class rate >= 0.1 per day.
int fluxClassOf(double fluxMx);
int flareClassOf(double flareRateCPerDay);

Expected<SearchEvalMetrics> evaluateSearch(const SearchEvalInput &input);

}  // namespace solarchip
