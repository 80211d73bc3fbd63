// MapView's mouse, wheel and keyboard handling (split from MapView.cpp).
#include "widgets/MapView.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QToolTip>
#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>

namespace solarchip {

// ---- input --------------------------------------------------------------------------------------------

void MapView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_fitMode && m_map)
        applyFit();
}

void MapView::wheelEvent(QWheelEvent *event)
{
    if (!m_map) {
        event->ignore();
        return;
    }
    double steps = event->angleDelta().y() / 120.0;
    if (steps == 0 && !event->pixelDelta().isNull())
        steps = event->pixelDelta().y() / 60.0;
    if (steps == 0)
        return;
    animateZoomAbout(m_zoom * std::pow(1.2, steps), event->position());
    event->accept();
}

void MapView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_dragging = true;
        m_dragLast = event->position();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void MapView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragging) {
        const QPointF delta = event->position() - m_dragLast;
        m_dragLast = event->position();
        if (!delta.isNull())
            panBy(delta);
    }
    if (!m_map)
        return;
    const QPointF p = widgetToMap(event->position());
    setReadout(readoutAt(p));
    double tx = 0, ty = 0;
    const bool inside = m_lastReadout.valid && m_map->wcs.isValid() && m_map->wcs.pixelToHelioprojective(p.x(), p.y(), tx, ty);
    Q_EMIT cursorWorldMoved(inside, tx, ty);
}

QString MapView::toolTipAt(const QPointF &widgetPoint) const
{
    if (!m_map)
        return {};
    const QPointF p = widgetToMap(widgetPoint);
    // Topmost first: the layers are painted in list order.
    for (auto it = m_overlays.rbegin(); it != m_overlays.rend(); ++it)
        if ((*it)->isVisible())
            if (QString text = (*it)->toolTipAt(*m_map, p, m_zoom); !text.isEmpty())
                return text;
    return {};
}

bool MapView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const QString text = toolTipAt(help->pos()); !text.isEmpty())
            QToolTip::showText(help->globalPos(), text, this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void MapView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging && (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton)) {
        m_dragging = false;
        unsetCursor();
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void MapView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (!m_map)
        return;
    const bool out = event->modifiers() & Qt::ShiftModifier;
    animateZoomAbout(out ? m_zoom / 2.0 : m_zoom * 2.0, event->position());
}

void MapView::leaveEvent(QEvent *event)
{
    QWidget::leaveEvent(event);
    m_lastReadout = MapReadout();
    Q_EMIT readoutChanged(m_lastReadout);
    Q_EMIT cursorWorldMoved(false, 0, 0);
}

void MapView::keyPressEvent(QKeyEvent *event)
{
    const double step = (event->modifiers() & Qt::ShiftModifier) ? 0.5 : 0.1;
    switch (event->key()) {
    case Qt::Key_Left: panBy(QPointF(width() * step, 0)); break;
    case Qt::Key_Right: panBy(QPointF(-width() * step, 0)); break;
    case Qt::Key_Up: panBy(QPointF(0, height() * step)); break;
    case Qt::Key_Down: panBy(QPointF(0, -height() * step)); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus: zoomOut(); break;
    case Qt::Key_F:
    case Qt::Key_0: fitToWindow(); break;
    case Qt::Key_1: zoomToActualSize(); break;
    case Qt::Key_B:
        if (m_compare.map)
            setShowingComparison(!m_blinkShowsComparison);
        break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

}  // namespace solarchip
