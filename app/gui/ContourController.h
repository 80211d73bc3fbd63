#pragma once
// View > HMI contours: the HMI magnetogram of the set on screen (co-registered onto the AIA grid by the set's
// prep) contoured at -500, -100, +100 and +500 G by default (View > HMI contour levels, `--contour-levels`;
// core/map/Contours, on the render pool), drawn over every view of the map grid (widgets/ContourLayer: through
// both WCS where a view is on another grid): red for positive, blue for negative polarity, the levels of the
// largest |B| opaque. Recomputed when the magnetogram on screen changes; the switch is
// remembered (settings "overlays/contours").

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QVector>

#include <iterator>
#include <memory>
#include <optional>

namespace solarchip {

class MapGrid;
struct ContourSet;
struct SdoMap;

class ContourController : public QObject {
    Q_OBJECT
public:
    ContourController(MapGrid *grid, QObject *parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    /// The levels in Gauss (default kLevels); a change recontours the magnetogram on screen.
    void setLevels(const QVector<double> &levels);
    QVector<double> levels() const { return m_levels; }
    /// "-500, -100, 100, 500" (commas or spaces): 1 to 16 finite numbers, sorted, duplicates dropped; nullopt and
    /// `error` saying why otherwise.
    static std::optional<QVector<double>> parseLevels(const QString &text, QString *error = nullptr);
    static QString levelsText(const QVector<double> &levels);
    /// Looks at the grid: a new magnetogram is contoured in the background, the layers follow the views' maps.
    void update();
    /// Nothing is being contoured.
    bool isSettled() const { return !m_pending; }
    /// enabled, source, levels, segments, views_drawn (views whose map is on the contours' grid).
    QJsonObject state() const;

    static constexpr double kLevels[4] = {-500, -100, 100, 500};  ///< the default levels (Gauss)

Q_SIGNALS:
    /// Contours arrived or were switched (the views repaint; scripted screenshots re-check).
    void changed();

private:
    void apply();

    MapGrid *m_grid;
    bool m_enabled = false;
    QVector<double> m_levels{std::begin(kLevels), std::end(kLevels)};
    bool m_pending = false;
    quint64 m_ticket = 0;
    std::shared_ptr<const SdoMap> m_source;          // the magnetogram contoured (or being contoured)
    std::shared_ptr<const ContourSet> m_contours;
};

}  // namespace solarchip
