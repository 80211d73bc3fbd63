#pragma once
// The dialog of File > Export view as PNG / Export map as FITS: where to save (a path field with Browse…,
// starting in the folder the last export went to) and, for PNG, what to draw: with or without the overlays
// (label, limb, grid, colour bar) and at the view's size or at data resolution (one image pixel per map pixel
// of the framing on screen). One dialog for the choices a user makes together, instead of a file dialog per
// menu entry.

#include <QDialog>
#include <QSize>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace solarchip {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Kind { Png, Fits };
    /// `viewSize`/`dataSize`: the PNG sizes the two resolutions give (shown in the choice).
    ExportDialog(Kind kind, const QString &suggestedPath, QSize viewSize, QSize dataSize, QWidget *parent = nullptr);

    QString path() const;
    void setPath(const QString &path);
    bool withOverlays() const;
    void setWithOverlays(bool on);
    bool dataResolution() const;
    void setDataResolution(bool on);

    void accept() override;

private:
    void browse();

    Kind m_kind;
    QLineEdit *m_path;
    QCheckBox *m_overlays = nullptr;
    QComboBox *m_resolution = nullptr;
};

}  // namespace solarchip
