#pragma once
// The gallery of archive-search hits: one tile per hit with a thumbnail cut from the hit's own map at its own
// time, and its date, heliographic position and score underneath. GalleryHitModel holds the hits (plain values,
// no engine types: the app converts what its search returns) and their thumbnails, which arrive later and one by
// one (they are cut off the UI thread); ResultsGallery shows the model and says which hit the user activated
// (click or Enter). Hits stay in score order (best first).

#include <QAbstractListModel>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <vector>

class QListView;

namespace solarchip {

/// One hit of an archive search.
struct GalleryHit {
    qint64 timeMs = 0;     ///< the hit's set time (UTC ms)
    QString channel;       ///< catalog key of the channel searched
    int cell = -1;         ///< model cell row*grid + col (row 0 = south)
    int grid = 0;          ///< cells per side of the model grid
    QPointF hpc;           ///< the cell centre, helioprojective arcsec
    QPointF lonlat{qQNaN(), qQNaN()};  ///< Stonyhurst lon, lat in degrees (NaN off disk)
    QRectF hpcBox;         ///< the cell's helioprojective bounding box (arcsec), what a map frames
    double score = 0;      ///< cosine similarity to the query
    QString file;          ///< the hit channel's map file (the thumbnail's source)
    int noaaAr = 0;        ///< the numbered NOAA region the hit lies in (0: none, or no Solar Region Summary)

    int row() const { return grid > 0 ? cell / grid : -1; }
    int col() const { return grid > 0 ? cell % grid : -1; }
};

class GalleryHitModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { HitIndexRole = Qt::UserRole + 1, TimeRole, ScoreRole, HasThumbnailRole };

    explicit GalleryHitModel(QObject *parent = nullptr);

    void setHits(std::vector<GalleryHit> hits);
    const std::vector<GalleryHit> &hits() const { return m_hits; }
    const GalleryHit &hit(int row) const { return m_hits.at(static_cast<std::size_t>(row)); }
    /// The thumbnail of a hit (a null image: it could not be cut; `error` says why, shown as the tile's tooltip).
    void setThumbnail(int row, const QImage &image, const QString &error = {});
    bool hasThumbnail(int row) const;
    /// Every hit has its thumbnail or its error.
    bool thumbnailsDone() const;
    int thumbnailsDrawn() const;
    /// Side of the placeholder shown until a thumbnail arrives (tiles keep their size when it does).
    void setPlaceholderSide(int side);
    /// The text under a tile: "2026-01-03 12:00\nN12.3 E45.6  0.873\nAR 11226" (the last line only in a numbered region).
    static QString caption(const GalleryHit &hit);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    std::vector<GalleryHit> m_hits;
    std::vector<QImage> m_thumbs;
    std::vector<QString> m_errors;
    std::vector<bool> m_done;
    QImage m_placeholder;
    QImage m_failed;
};

class ResultsGallery : public QWidget {
    Q_OBJECT
public:
    explicit ResultsGallery(QWidget *parent = nullptr);

    GalleryHitModel *model() const { return m_model; }
    QListView *listView() const { return m_list; }
    /// Thumbnail side in pixels.
    void setThumbnailSide(int side);
    int thumbnailSide() const { return m_side; }
    /// Marks a hit as the one shown (the framed one); -1 for none.
    void setCurrentHit(int row);

Q_SIGNALS:
    void hitActivated(int row);

private:
    GalleryHitModel *m_model;
    QListView *m_list;
    int m_side = 128;
};

/// The hemisphere form of a heliographic position: "N12.3 W45.6" ("off disk" for NaN).
QString formatLonLat(QPointF lonlat);

}  // namespace solarchip
