#pragma once
// Map labels as sprites: a text on a dark halo (legible on every colour table), drawn once into an image and then
// reused. Outlining glyphs into a path and stroking its halo costs about a millisecond a label, and the views
// repaint several times a step, so the labelling layers (NOAA regions, flare events) keep the sprites they drew.

#include <QColor>
#include <QFont>
#include <QHash>
#include <QImage>
#include <QPointF>
#include <QString>

#include <QTransform>

class QPainter;

namespace solarchip {

class HaloTextCache {
public:
    struct Sprite {
        QImage image;     ///< device pixels (its devicePixelRatio set)
        QPointF origin;   ///< where the text's baseline starts, in the image's logical pixels
        double right = 0; ///< the text's right edge from the baseline start
    };
    /// The sprite of `text` (a copy: the images are shared; made on first use; at most 512 are kept, then the cache starts again).
    Sprite sprite(const QString &text, const QFont &font, const QColor &colour, double dpr) const;
    /// Draws `text` with its baseline starting at `baseline` on `painter` (the device's pixel ratio); returns its sprite.
    Sprite draw(QPainter &painter, QPointF baseline, const QString &text, const QFont &font, const QColor &colour) const;

private:
    mutable QHash<QString, Sprite> m_sprites;
};

/// A map's rendered image made ready for labels drawn onto it (the texture the 3D globe wears): ARGB32, and a texture
/// under 1024 px high enlarged first (a 256 px archive's is magnified on the sphere, and text drawn at its own size
/// would be a few blurred texels), with the transform from 0-based map pixels (FITS order, y up) to its pixels.
struct LabelTexture {
    QImage image;
    QTransform fromMapPixels;
};
LabelTexture labelTexture(const QImage &texture, int mapWidth, int mapHeight);

}  // namespace solarchip
