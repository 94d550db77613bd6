#include "textflag.h"

// The 4-lane AVX2+FMA loops of fastexp.go: the same operations, in the same
// order, as expParts/fexp/fexprel, so the results are bit-identical.

DATA expTab<>+0(SB)/8, $0x3ff71547652b82fe // invln2
DATA expTab<>+8(SB)/8, $0x3ff71547652b82fe // invln2
DATA expTab<>+16(SB)/8, $0x3ff71547652b82fe // invln2
DATA expTab<>+24(SB)/8, $0x3ff71547652b82fe // invln2
DATA expTab<>+32(SB)/8, $0x4338000000000000 // shifter
DATA expTab<>+40(SB)/8, $0x4338000000000000 // shifter
DATA expTab<>+48(SB)/8, $0x4338000000000000 // shifter
DATA expTab<>+56(SB)/8, $0x4338000000000000 // shifter
DATA expTab<>+64(SB)/8, $0x3fe62e42fefa39ef // ln2hi
DATA expTab<>+72(SB)/8, $0x3fe62e42fefa39ef // ln2hi
DATA expTab<>+80(SB)/8, $0x3fe62e42fefa39ef // ln2hi
DATA expTab<>+88(SB)/8, $0x3fe62e42fefa39ef // ln2hi
DATA expTab<>+96(SB)/8, $0x3c7abc9e3b39803f // ln2lo
DATA expTab<>+104(SB)/8, $0x3c7abc9e3b39803f // ln2lo
DATA expTab<>+112(SB)/8, $0x3c7abc9e3b39803f // ln2lo
DATA expTab<>+120(SB)/8, $0x3c7abc9e3b39803f // ln2lo
DATA expTab<>+128(SB)/8, $0x3de6124613a86d09 // c13
DATA expTab<>+136(SB)/8, $0x3de6124613a86d09 // c13
DATA expTab<>+144(SB)/8, $0x3de6124613a86d09 // c13
DATA expTab<>+152(SB)/8, $0x3de6124613a86d09 // c13
DATA expTab<>+160(SB)/8, $0x3e21eed8eff8d898 // c12
DATA expTab<>+168(SB)/8, $0x3e21eed8eff8d898 // c12
DATA expTab<>+176(SB)/8, $0x3e21eed8eff8d898 // c12
DATA expTab<>+184(SB)/8, $0x3e21eed8eff8d898 // c12
DATA expTab<>+192(SB)/8, $0x3e5ae64567f544e4 // c11
DATA expTab<>+200(SB)/8, $0x3e5ae64567f544e4 // c11
DATA expTab<>+208(SB)/8, $0x3e5ae64567f544e4 // c11
DATA expTab<>+216(SB)/8, $0x3e5ae64567f544e4 // c11
DATA expTab<>+224(SB)/8, $0x3e927e4fb7789f5c // c10
DATA expTab<>+232(SB)/8, $0x3e927e4fb7789f5c // c10
DATA expTab<>+240(SB)/8, $0x3e927e4fb7789f5c // c10
DATA expTab<>+248(SB)/8, $0x3e927e4fb7789f5c // c10
DATA expTab<>+256(SB)/8, $0x3ec71de3a556c734 // c9
DATA expTab<>+264(SB)/8, $0x3ec71de3a556c734 // c9
DATA expTab<>+272(SB)/8, $0x3ec71de3a556c734 // c9
DATA expTab<>+280(SB)/8, $0x3ec71de3a556c734 // c9
DATA expTab<>+288(SB)/8, $0x3efa01a01a01a01a // c8
DATA expTab<>+296(SB)/8, $0x3efa01a01a01a01a // c8
DATA expTab<>+304(SB)/8, $0x3efa01a01a01a01a // c8
DATA expTab<>+312(SB)/8, $0x3efa01a01a01a01a // c8
DATA expTab<>+320(SB)/8, $0x3f2a01a01a01a01a // c7
DATA expTab<>+328(SB)/8, $0x3f2a01a01a01a01a // c7
DATA expTab<>+336(SB)/8, $0x3f2a01a01a01a01a // c7
DATA expTab<>+344(SB)/8, $0x3f2a01a01a01a01a // c7
DATA expTab<>+352(SB)/8, $0x3f56c16c16c16c17 // c6
DATA expTab<>+360(SB)/8, $0x3f56c16c16c16c17 // c6
DATA expTab<>+368(SB)/8, $0x3f56c16c16c16c17 // c6
DATA expTab<>+376(SB)/8, $0x3f56c16c16c16c17 // c6
DATA expTab<>+384(SB)/8, $0x3f81111111111111 // c5
DATA expTab<>+392(SB)/8, $0x3f81111111111111 // c5
DATA expTab<>+400(SB)/8, $0x3f81111111111111 // c5
DATA expTab<>+408(SB)/8, $0x3f81111111111111 // c5
DATA expTab<>+416(SB)/8, $0x3fa5555555555555 // c4
DATA expTab<>+424(SB)/8, $0x3fa5555555555555 // c4
DATA expTab<>+432(SB)/8, $0x3fa5555555555555 // c4
DATA expTab<>+440(SB)/8, $0x3fa5555555555555 // c4
DATA expTab<>+448(SB)/8, $0x3fc5555555555555 // c3
DATA expTab<>+456(SB)/8, $0x3fc5555555555555 // c3
DATA expTab<>+464(SB)/8, $0x3fc5555555555555 // c3
DATA expTab<>+472(SB)/8, $0x3fc5555555555555 // c3
DATA expTab<>+480(SB)/8, $0x3fe0000000000000 // c2
DATA expTab<>+488(SB)/8, $0x3fe0000000000000 // c2
DATA expTab<>+496(SB)/8, $0x3fe0000000000000 // c2
DATA expTab<>+504(SB)/8, $0x3fe0000000000000 // c2
DATA expTab<>+512(SB)/8, $0x00000000000003ff // 1023
DATA expTab<>+520(SB)/8, $0x00000000000003ff // 1023
DATA expTab<>+528(SB)/8, $0x00000000000003ff // 1023
DATA expTab<>+536(SB)/8, $0x00000000000003ff // 1023
DATA expTab<>+544(SB)/8, $0x3ff0000000000000 // 1.0
DATA expTab<>+552(SB)/8, $0x3ff0000000000000 // 1.0
DATA expTab<>+560(SB)/8, $0x3ff0000000000000 // 1.0
DATA expTab<>+568(SB)/8, $0x3ff0000000000000 // 1.0
DATA expTab<>+576(SB)/8, $0xc086200000000000 // lo
DATA expTab<>+584(SB)/8, $0xc086200000000000 // lo
DATA expTab<>+592(SB)/8, $0xc086200000000000 // lo
DATA expTab<>+600(SB)/8, $0xc086200000000000 // lo
DATA expTab<>+608(SB)/8, $0x4086280000000000 // hi
DATA expTab<>+616(SB)/8, $0x4086280000000000 // hi
DATA expTab<>+624(SB)/8, $0x4086280000000000 // hi
DATA expTab<>+632(SB)/8, $0x4086280000000000 // hi
GLOBL expTab<>(SB), RODATA|NOPTR, $640

// func expBlocks(d, x *float64, n int) bool
TEXT ·expBlocks(SB), NOSPLIT, $0-25
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	LEAQ expTab<>(SB), AX
	VMOVUPD 0(AX), Y10              // 1/ln2
	VMOVUPD 32(AX), Y11             // shifter
	VMOVUPD 64(AX), Y12             // ln2hi
	VMOVUPD 96(AX), Y13             // ln2lo
	VMOVUPD 512(AX), Y14            // 1023
	XORQ BX, BX
	// First pass: every x in (lo, hi), else return false.
	VPCMPEQQ Y15, Y15, Y15          // all ones
	VMOVUPD 576(AX), Y8             // lo
	VMOVUPD 608(AX), Y9             // hi
	VXORPD Y7, Y7, Y7               // 0
expCheck:
	CMPQ BX, CX
	JGE expChecked
	VMOVUPD (SI)(BX*8), Y0
	VCMPPD $0x1E, Y8, Y0, Y1        // x > lo (ordered: false for NaN)
	VCMPPD $0x11, Y9, Y0, Y2        // x < hi
	VANDPD Y1, Y2, Y1
	VANDPD Y1, Y15, Y15
	ADDQ $4, BX
	JMP expCheck
expChecked:
	VMOVMSKPD Y15, DX
	CMPQ DX, $15
	JNE expFail
	XORQ BX, BX
expLoop:
	CMPQ BX, CX
	JGE expDone
	VMOVUPD (SI)(BX*8), Y0          // x
	VMOVAPD Y0, Y1
	VFMADD213PD Y11, Y10, Y1        // z = fma(x, 1/ln2, shifter)
	VSUBPD Y11, Y1, Y2              // kf = z - shifter
	VPSUBQ Y11, Y1, Y3              // k = bits(z) - bits(shifter)
	VMOVAPD Y0, Y4
	VFNMADD231PD Y12, Y2, Y4        // r = fma(-kf, ln2hi, x)
	VFNMADD231PD Y13, Y2, Y4        // r = fma(-kf, ln2lo, r)
	VMOVUPD 128(AX), Y5             // p = c13
	VFMADD213PD 160(AX), Y4, Y5
	VFMADD213PD 192(AX), Y4, Y5
	VFMADD213PD 224(AX), Y4, Y5
	VFMADD213PD 256(AX), Y4, Y5
	VFMADD213PD 288(AX), Y4, Y5
	VFMADD213PD 320(AX), Y4, Y5
	VFMADD213PD 352(AX), Y4, Y5
	VFMADD213PD 384(AX), Y4, Y5
	VFMADD213PD 416(AX), Y4, Y5
	VFMADD213PD 448(AX), Y4, Y5
	VFMADD213PD 480(AX), Y4, Y5        // p = fma(p, r, c12 … c2)
	VMULPD Y4, Y4, Y6               // r*r
	VFMADD213PD Y4, Y6, Y5          // q = fma(p, r*r, r)
	VPADDQ Y14, Y3, Y3
	VPSLLQ $52, Y3, Y3              // s = 2^k
	VFMADD213PD Y3, Y3, Y5          // exp = fma(s, q, s)
	VMOVUPD Y5, (DI)(BX*8)
	ADDQ $4, BX
	JMP expLoop
expDone:
	VZEROUPPER
	MOVB $1, ret+24(FP)
	RET
expFail:
	VZEROUPPER
	MOVB $0, ret+24(FP)
	RET

// func exprelBlocks(d, x *float64, n int) bool
TEXT ·exprelBlocks(SB), NOSPLIT, $0-25
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	LEAQ expTab<>(SB), AX
	VMOVUPD 0(AX), Y10              // 1/ln2
	VMOVUPD 32(AX), Y11             // shifter
	VMOVUPD 64(AX), Y12             // ln2hi
	VMOVUPD 96(AX), Y13             // ln2lo
	VMOVUPD 512(AX), Y14            // 1023
	XORQ BX, BX
	// First pass: every x in (lo, hi) and nonzero, else return false.
	VPCMPEQQ Y15, Y15, Y15          // all ones
	VMOVUPD 576(AX), Y8             // lo
	VMOVUPD 608(AX), Y9             // hi
	VXORPD Y7, Y7, Y7               // 0
relCheck:
	CMPQ BX, CX
	JGE relChecked
	VMOVUPD (SI)(BX*8), Y0
	VCMPPD $0x1E, Y8, Y0, Y1        // x > lo (ordered: false for NaN)
	VCMPPD $0x11, Y9, Y0, Y2        // x < hi
	VANDPD Y1, Y2, Y1
	VANDPD Y1, Y15, Y15
	VCMPPD $0x0C, Y7, Y0, Y3        // x != 0
	VANDPD Y3, Y15, Y15
	ADDQ $4, BX
	JMP relCheck
relChecked:
	VMOVMSKPD Y15, DX
	CMPQ DX, $15
	JNE relFail
	XORQ BX, BX
relLoop:
	CMPQ BX, CX
	JGE relDone
	VMOVUPD (SI)(BX*8), Y0          // x
	VMOVAPD Y0, Y1
	VFMADD213PD Y11, Y10, Y1        // z = fma(x, 1/ln2, shifter)
	VSUBPD Y11, Y1, Y2              // kf = z - shifter
	VPSUBQ Y11, Y1, Y3              // k = bits(z) - bits(shifter)
	VMOVAPD Y0, Y4
	VFNMADD231PD Y12, Y2, Y4        // r = fma(-kf, ln2hi, x)
	VFNMADD231PD Y13, Y2, Y4        // r = fma(-kf, ln2lo, r)
	VMOVUPD 128(AX), Y5             // p = c13
	VFMADD213PD 160(AX), Y4, Y5
	VFMADD213PD 192(AX), Y4, Y5
	VFMADD213PD 224(AX), Y4, Y5
	VFMADD213PD 256(AX), Y4, Y5
	VFMADD213PD 288(AX), Y4, Y5
	VFMADD213PD 320(AX), Y4, Y5
	VFMADD213PD 352(AX), Y4, Y5
	VFMADD213PD 384(AX), Y4, Y5
	VFMADD213PD 416(AX), Y4, Y5
	VFMADD213PD 448(AX), Y4, Y5
	VFMADD213PD 480(AX), Y4, Y5        // p = fma(p, r, c12 … c2)
	VMULPD Y4, Y4, Y6               // r*r
	VFMADD213PD Y4, Y6, Y5          // q = fma(p, r*r, r)
	VPADDQ Y14, Y3, Y3
	VPSLLQ $52, Y3, Y3              // s = 2^k
	VSUBPD 544(AX), Y3, Y7          // s - 1
	VFMADD213PD Y7, Y3, Y5          // expm1 = fma(s, q, s - 1)
	VDIVPD Y0, Y5, Y5               // exprel = expm1 / x
	VMOVUPD Y5, (DI)(BX*8)
	ADDQ $4, BX
	JMP relLoop
relDone:
	VZEROUPPER
	MOVB $1, ret+24(FP)
	RET
relFail:
	VZEROUPPER
	MOVB $0, ret+24(FP)
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() uint32
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, ret+0(FP)
	RET
