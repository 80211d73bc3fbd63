#pragma once
// 256-entry colormaps for map display: the SDO tables identical to sunpy's (`sdoaia94` ... `sdoaia4500`,
// built from IDL colour table 3 with channel-specific gamma curves after aia_lct.pro, and `hmimag`, the
// JSOC magnetogram table), greyscale, perceptual maps (viridis, inferno, magma, cividis) and the diverging
// RdBu_r for difference images. Entries are kept as floats in [0, 1] exactly as matplotlib holds them;
// rgb() rounds to 8 bits. Value semantics; cheap to copy (shared table).

#include <QColor>
#include <QString>
#include <QStringList>
#include <QVector>

#include <array>
#include <memory>

namespace solarchip {

class Colormap {
public:
    static constexpr int kSize = 256;
    using Entry = std::array<float, 3>;

    /// Greyscale.
    Colormap();

    /// Every known name: "sdoaia94".."sdoaia4500", "hmimag", "grey", "viridis", "inferno", "magma",
    /// "cividis", "RdBu_r". A "_r" suffix on any of them gives the reversed table.
    static QStringList names();
    /// The table for a name (case-insensitive; "gray" = "grey"); false if unknown.
    static bool exists(const QString &name);
    /// The table for a name; greyscale (with a warning) when unknown.
    static Colormap byName(const QString &name);
    /// sunpy's colormap for an SDO channel key ("171" -> sdoaia171, "hmi" -> hmimag); grey otherwise.
    static Colormap forChannel(const QString &channel);
    /// A channel's colour where a line or a row stands for it (timeline rows, light curves): the mid-tone of sunpy's
    /// table for an AIA channel (sdoaia<wl>(0.62)), grey for HMI and anything else.
    static QColor channelColour(const QString &channel);
    /// Human label: "SDO AIA 171 Å", "HMI magnetogram", "viridis".
    static QString label(const QString &name);

    QString name() const { return m_name; }
    /// Diverging tables (RdBu_r, hmimag) read best with symmetric limits.
    bool isDiverging() const;
    Colormap reversed() const;

    /// Entry i (0..255) as floats in [0, 1] (matplotlib's lookup table).
    const Entry &entry(int i) const { return (*m_table)[static_cast<size_t>(i)]; }
    /// Entry i rounded to 8 bits, opaque.
    QRgb rgb(int i) const { return m_rgb[i]; }
    /// The 256 rounded colours (for QImage::Format_Indexed8 or a renderer LUT).
    const QVector<QRgb> &colorTable() const { return m_rgb; }
    /// matplotlib's Colormap.__call__ index for a normalised value: min(int(t * 256), 255), clipped to
    /// the ends outside [0, 1]; -1 for NaN (drawn transparent).
    static int indexOf(double t);
    /// Colour of a normalised value (transparent for NaN).
    QRgb map(double t) const;

private:
    using Table = std::array<Entry, kSize>;
    Colormap(QString name, std::shared_ptr<const Table> table);
    QString m_name;
    std::shared_ptr<const Table> m_table;
    QVector<QRgb> m_rgb;
};

}  // namespace solarchip
